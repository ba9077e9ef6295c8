package server

import (
	"shequ/internal/database"
	"shequ/internal/residents"
	"shequ/internal/residents/residentsweb"
	"shequ/internal/surveys"
	"shequ/internal/surveys/surveysweb"
	"shequ/internal/web"
)

// surveysApp assembles 问卷调查 on the server's clock; residents answer
// through their verified session (residentsweb.SignedIn).
func surveysApp(db *database.DB, cfg Config) *surveys.Service {
	return surveys.NewService(db, cfg.Now)
}

// surveyRoutes mounts the resident's pages under /r/surveys and the
// staff's under /surveys.
func surveyRoutes(rt *web.Routes, kit *web.Kit, sv *surveys.Service, res *residents.Service) {
	surveysweb.Routes(rt, kit, surveysweb.Deps{Surveys: sv, SignedIn: residentsweb.SignedIn(res)})
}
