// Package codes holds the national code lists the register uses:
// administrative divisions (GB/T 2260), ethnic groups (GB/T 3304) and family
// relations to the household head (GB/T 4761).
package codes

// Code is one entry of a code list.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func lookup(list []Code, code string) (string, bool) {
	for _, c := range list {
		if c.Code == code {
			return c.Name, true
		}
	}
	return "", false
}
