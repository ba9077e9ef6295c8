package web

import (
	"shequ/internal/codes"
	"shequ/internal/register"
)

// Choices of the register's codes that forms of several capabilities offer
// (the register's own, intake at the service hall, imports' mappings).

// ResidenceOptions are the kinds of residence (人口类别) in the order forms
// list them.
func ResidenceOptions() []Option {
	out := make([]Option, len(register.Residences))
	for i, c := range register.Residences {
		out[i] = Option{Value: c, Label: register.ResidenceNames[c]}
	}
	return out
}

// RelationOptions are the national list of relations to the head of the
// household (GB/T 4761).
func RelationOptions() []Option {
	cs := codes.Relations()
	out := make([]Option, len(cs))
	for i, c := range cs {
		out[i] = Option{Value: c.Code, Label: c.Name}
	}
	return out
}
