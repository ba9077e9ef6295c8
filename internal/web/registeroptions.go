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
	return []Option{
		{register.ResidenceRegistered, "户籍"}, {register.ResidenceResident, "常住"},
		{register.ResidenceFloating, "流动"}, {register.ResidenceOverseas, "境外"},
	}
}

// RelationOptions are the national list of relations to the head of the
// household (GB/T 4761).
func RelationOptions() []Option {
	cs := codes.Relations()
	out := make([]Option, len(cs))
	for i, c := range cs {
		out[i] = Option{c.Code, c.Name}
	}
	return out
}
