package open311

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
)

// The documents of GeoReport v2, in the element names of the
// specification; each encodes as JSON (an array or object) and as XML
// (its root element and repeated children).

type discovery struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

type service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

type services struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

type serviceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []attribute `json:"attributes" xml:"attributes>attribute"`
}

type attribute struct {
	Variable            bool    `json:"variable" xml:"variable"`
	Code                string  `json:"code" xml:"code"`
	Datatype            string  `json:"datatype" xml:"datatype"`
	Required            bool    `json:"required" xml:"required"`
	DatatypeDescription string  `json:"datatype_description" xml:"datatype_description"`
	Order               int     `json:"order" xml:"order"`
	Description         string  `json:"description" xml:"description"`
	Values              []value `json:"values,omitempty" xml:"values>value,omitempty"`
}

type value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// created is the answer to a POST: the id (and token) of the new request.
type created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token,omitempty" xml:"token,omitempty"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        string   `json:"account_id,omitempty" xml:"account_id,omitempty"`
	// Extension: the number the resident follows the request by on the
	// public progress page (and rates it there).
	TrackingNo string `json:"tracking_no" xml:"tracking_no"`
}

type tokenAnswer struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
}

// request is a service request as GeoReport v2 shows it, with the
// extensions clients ask for most (extensions=true): the update history as
// notes.
type request struct {
	XMLName           xml.Name  `json:"-" xml:"request"`
	ServiceRequestID  string    `json:"service_request_id" xml:"service_request_id"`
	Status            string    `json:"status" xml:"status"`
	StatusNotes       string    `json:"status_notes" xml:"status_notes"`
	ServiceName       string    `json:"service_name" xml:"service_name"`
	ServiceCode       string    `json:"service_code" xml:"service_code"`
	Description       string    `json:"description" xml:"description"`
	AgencyResponsible string    `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string    `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string    `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string    `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string    `json:"expected_datetime" xml:"expected_datetime"`
	Address           string    `json:"address" xml:"address"`
	AddressID         string    `json:"address_id" xml:"address_id"`
	Zipcode           string    `json:"zipcode" xml:"zipcode"`
	Lat               *float64  `json:"lat" xml:"lat,omitempty"`
	Long              *float64  `json:"long" xml:"long,omitempty"`
	MediaURL          string    `json:"media_url" xml:"media_url"`
	Extended          *extended `json:"extended_attributes,omitempty" xml:"extended_attributes,omitempty"`
}

type extended struct {
	Status string `json:"shequ_status" xml:"shequ_status"` // our own status, in Chinese
	Notes  []note `json:"notes" xml:"notes>note"`
}

// note is one step of a request's history.
type note struct {
	Datetime    string `json:"datetime" xml:"datetime"`
	Type        string `json:"type" xml:"type"` // opened, activity, closed
	Summary     string `json:"summary" xml:"summary"`
	Description string `json:"description,omitempty" xml:"description,omitempty"`
}

type apiError struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// write encodes v in the format asked for: JSON as is, XML inside root
// (the list element) when v is a slice.
func write(w http.ResponseWriter, format string, status int, root string, v any) {
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(xml.Header))
		enc := xml.NewEncoder(w)
		enc.Indent("", "  ")
		if root != "" {
			enc.Encode(struct {
				XMLName xml.Name
				Items   any
			}{XMLName: xml.Name{Local: root}, Items: v})
		} else {
			enc.Encode(v)
		}
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeErrors(w http.ResponseWriter, format string, status int, msgs ...string) {
	var errs []apiError
	for _, m := range msgs {
		errs = append(errs, apiError{Code: status, Description: m})
	}
	write(w, format, status, "errors", errs)
}
