package server

import (
	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/volunteers/certificates"
)

// volunteerCertificates assembles the certificates of service hours: the
// service with the public address its QR codes lead to, and the resolver
// of the "volunteer_certificate" object kind the routes name.
func volunteerCertificates(db *database.DB, acs *access.Service, cfg Config) *certificates.Service {
	certs := certificates.NewService(db, certificates.Options{PublicURL: publicURL(cfg), Now: cfg.Now})
	acs.Resolve("volunteer_certificate", certs.Place)
	return certs
}
