// Package workforce keeps the people who serve a community (社区工作者与
// 协管员): the roster, built on the org tree's assignments (org_staff) —
// 书记 and 社区工作者 on the community, 网格员 on the grids, coordinators
// (协管员, 五老 with their 五大员 duties) and the residents' posts (中心户长,
// 楼栋长, 居民小组长) — with what the roster adds to them: post, title, the
// register person, certificates (社会工作师), training hours and periodic
// assessments graded by bands kept as data; and the staffing figures of a
// community, a street or a city: paid staff per 1,000 residents beside the
// national baseline of one community worker per 350 residents.
//
// A person may hold several assignments (城北's community workers each run
// a grid as well): the roster shows one line per person, recognised within
// a community by name and phone, and their records hang on the assignment
// that heads the line (the highest post).
package workforce
