package ident

import (
	"errors"
	"testing"
)

func TestParseDocument(t *testing.T) {
	tests := []struct {
		t    DocType
		in   string
		want string    // normalised number when valid
		kind ErrorKind // error kind when invalid
	}{
		{DocResidentID, "110105491231002", "11010519491231002X", ""},
		{DocResidentID, "110105194912310021", "", KindCheck},

		{DocPassport, "E12345678", "E12345678", ""},
		{DocPassport, " e1234 5678 ", "E12345678", ""},
		{DocPassport, "EA1234567", "EA1234567", ""},
		{DocPassport, "E1", "", KindFormat},
		{DocPassport, "E12345678901234567", "", KindFormat}, // 18 characters
		{DocPassport, "E-12345678", "", KindFormat},

		{DocHKMacaoPermit, "H12345678", "H12345678", ""},
		{DocHKMacaoPermit, "m1234567801", "M1234567801", ""},
		{DocHKMacaoPermit, "X12345678", "", KindFormat},
		{DocHKMacaoPermit, "H123456789", "", KindFormat}, // 9 digits

		{DocTaiwanPermit, "12345678", "12345678", ""},
		{DocTaiwanPermit, "1234567890", "1234567890", ""},
		{DocTaiwanPermit, "12345678AB", "12345678AB", ""},
		{DocTaiwanPermit, "1234567", "", KindFormat},

		{DocForeignPermanent, "USA123456789012", "USA123456789012", ""},
		{DocForeignPermanent, "911560199001010025", "911560199001010025", ""}, // 2023 format, check digit computed independently
		{DocForeignPermanent, "911560199001010026", "", KindCheck},
		{DocForeignPermanent, "111560199001010025", "", KindFormat}, // must start with 9
		{DocForeignPermanent, "US123456789012", "", KindFormat},

		{DocHMTResidencePermit, "810000199001010027", "810000199001010027", ""},
		{DocHMTResidencePermit, "830000198511110035", "830000198511110035", ""},
		{DocHMTResidencePermit, "110105194912310021", "", KindArea},
		{DocHMTResidencePermit, "830000198511110036", "", KindCheck},
		{DocHMTResidencePermit, "830000198513110035", "", KindBirth},
		{DocHMTResidencePermit, "8300001985111100", "", KindFormat},

		{DocPassport, "", "", KindEmpty},
		{DocNone, " ", "", ""},
		{DocNone, "E12345678", "", KindFormat},
		{DocType("driving_licence"), "123456", "", KindType},
	}
	for _, tt := range tests {
		got, err := ParseDocument(tt.t, tt.in, today)
		if tt.kind == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseDocument(%s, %q) = %q, %v; want %q", tt.t, tt.in, got, err, tt.want)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind || e.Msg == "" {
			t.Errorf("ParseDocument(%s, %q) = %q, %v; want a %s error", tt.t, tt.in, got, err, tt.kind)
		}
	}
}

func TestDocTypes(t *testing.T) {
	types := DocTypes()
	if len(types) != 7 || types[0] != DocResidentID || types[6] != DocNone {
		t.Fatalf("DocTypes() = %v", types)
	}
	for _, dt := range types {
		if dt.Label() == "" {
			t.Errorf("%s has no label", dt)
		}
		for _, s := range []string{string(dt), dt.Label(), " " + dt.Label() + " "} {
			if got, err := ParseDocType(s); err != nil || got != dt {
				t.Errorf("ParseDocType(%q) = %q, %v; want %q", s, got, err, dt)
			}
		}
	}
	for in, want := range map[string]DocType{"无": DocNone, "身份证": DocResidentID, "台胞证": DocTaiwanPermit, "回乡证": DocHKMacaoPermit, "居住证": DocHMTResidencePermit} {
		if got, err := ParseDocType(in); err != nil || got != want {
			t.Errorf("ParseDocType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseDocType("驾驶证"); err == nil || err.Error() != "证件类型无效" {
		t.Errorf("ParseDocType(驾驶证) error = %v", err)
	}
	if DocType("x").Label() != "" {
		t.Error("unknown type should have no label")
	}
	if DocPassport.Label() != "护照" || DocHMTResidencePermit.Label() != "港澳台居民居住证" {
		t.Error("labels")
	}
}
