package reports

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/fault"
)

// Editing a template piece by piece, as the administrators' pages do: the
// header, the 大类 and 小类, the items. Every change reads the template at
// the version the editor saw, changes it in memory and saves it whole with
// SaveTemplate, so that the checks of a whole template (indicators exist,
// cells are valid and used once) hold after each step, and a change made
// meanwhile by someone else is a ConflictError rather than lost.

// RefusedError is a change the rules of templates do not allow (deleting
// the sample, or a section that still holds something); Reason says why,
// for the user.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

// editTemplate reads template id, refuses it if it is no longer at version,
// lets change alter it and saves it.
func (s *Service) editTemplate(ctx context.Context, by string, id int64, version int, change func(t *Template) error) (*Template, error) {
	t, err := s.Template(ctx, strconv.FormatInt(id, 10))
	if err != nil {
		return nil, err
	}
	if t.Version != version {
		return nil, &ConflictError{What: "报表模板「" + t.Name + "」", By: t.UpdatedBy, At: t.UpdatedAt, Current: t.Version, Attempted: version}
	}
	if err := change(t); err != nil {
		return nil, err
	}
	return t, s.SaveTemplate(ctx, by, t)
}

// CreateTemplate adds a new, empty template from its header fields (code,
// name, frequency, department, description, sheet and the title, unit and
// period cells); sections and items are added afterwards.
func (s *Service) CreateTemplate(ctx context.Context, by string, t *Template) error {
	t.ID, t.Version, t.Sample, t.Sections, t.Form = 0, 0, false, nil, nil
	return s.SaveTemplate(ctx, by, t)
}

// SaveTemplateHeader changes the header fields of template h.ID at
// h.Version, keeping its sections and items. The sample keeps its code
// (the reports' pages and InstallSample find it by it), and a template
// with a blank form keeps to the form's sheets.
func (s *Service) SaveTemplateHeader(ctx context.Context, by string, h *Template) (*Template, error) {
	return s.editTemplate(ctx, by, h.ID, h.Version, func(t *Template) error {
		fe := fault.Fields{}
		if t.Sample && strings.TrimSpace(h.Code) != t.Code {
			fe["code"] = "示例模板的编码不能修改"
		}
		t.Code, t.Name, t.Frequency, t.Department, t.Description = h.Code, h.Name, h.Frequency, h.Department, h.Description
		t.Sheet, t.TitleCell, t.UnitCell, t.PeriodCell = h.Sheet, h.TitleCell, h.UnitCell, h.PeriodCell
		t.WorkItemID = h.WorkItemID
		err := s.validate(ctx, t)
		if bad, ok := err.(fault.Fields); ok {
			for k, v := range bad {
				if fe[k] == "" {
					fe[k] = v
				}
			}
		} else if err != nil {
			return err
		}
		if t.Form != nil && fe["sheet"] == "" && !t.Form.HasSheet(t.Sheet) {
			fe["sheet"] = fmt.Sprintf("已上传的空白报表中没有工作表「%s」(它有:%s);请先上传含该工作表的空白报表,或删除已上传的",
				t.Sheet, strings.Join(t.Form.Sheets, "、"))
		}
		if len(fe) > 0 {
			return fe
		}
		return nil
	})
}

// findSection finds a section of a template by id, with its parent (nil
// for a 大类) and its siblings.
func findSection(t *Template, id int64) (sec, parent *Section, siblings *[]*Section) {
	for _, c := range t.Sections {
		if c.ID == id {
			return c, nil, &t.Sections
		}
		for _, sub := range c.Subs {
			if sub.ID == id {
				return sub, c, &c.Subs
			}
		}
	}
	return nil, nil, nil
}

// sectionKind names a section as the user knows it.
func sectionKind(parent *Section) string {
	if parent == nil {
		return "大类"
	}
	return "小类"
}

// checkSectionName trims a section's name and refuses an empty, long or
// repeated one (two 小类 of one 大类 with the same name could not be told
// apart on the form); errors are at "name".
func checkSectionName(name, kind string, siblings []*Section, self int64) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return name, fault.Fields{"name": "请填写" + kind + "名称"}
	case utf8.RuneCountInString(name) > 60:
		return name, fault.Fields{"name": kind + "名称不超过 60 个字"}
	}
	for _, o := range siblings {
		if o.ID != self && o.Name == name {
			return name, fault.Fields{"name": fmt.Sprintf("已有%s「%s」", kind, name)}
		}
	}
	return name, nil
}

// AddSection adds a 大类 (parent 0) at the end of the template, or a 小类
// at the end of the 大类 parent, and returns the template and the new
// section.
func (s *Service) AddSection(ctx context.Context, by string, templateID int64, version int, parent int64, name string) (*Template, *Section, error) {
	sec := &Section{}
	t, err := s.editTemplate(ctx, by, templateID, version, func(t *Template) error {
		siblings := &t.Sections
		kind := "大类"
		if parent != 0 {
			p, pp, _ := findSection(t, parent)
			if p == nil || pp != nil {
				return ErrNotFound // 小类 go under a 大类 only
			}
			siblings, kind, sec.ParentID = &p.Subs, "小类", p.ID
		}
		var err error
		if sec.Name, err = checkSectionName(name, kind, *siblings, 0); err != nil {
			return err
		}
		*siblings = append(*siblings, sec)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return t, sec, nil
}

// RenameSection changes the name of a 大类 or 小类.
func (s *Service) RenameSection(ctx context.Context, by string, templateID int64, version int, sectionID int64, name string) (*Template, error) {
	return s.editTemplate(ctx, by, templateID, version, func(t *Template) error {
		sec, parent, siblings := findSection(t, sectionID)
		if sec == nil {
			return ErrNotFound
		}
		var err error
		sec.Name, err = checkSectionName(name, sectionKind(parent), *siblings, sec.ID)
		return err
	})
}

// MoveSection moves a 大类 or 小类 one place up (by -1) or down (by 1)
// among its siblings; at either end it stays where it is.
func (s *Service) MoveSection(ctx context.Context, by string, templateID int64, version int, sectionID int64, step int) (*Template, error) {
	return s.editTemplate(ctx, by, templateID, version, func(t *Template) error {
		sec, _, siblings := findSection(t, sectionID)
		if sec == nil {
			return ErrNotFound
		}
		list := *siblings
		for i, o := range list {
			if o.ID == sec.ID {
				j := i + step
				if j >= 0 && j < len(list) {
					list[i], list[j] = list[j], list[i]
				}
				break
			}
		}
		return nil
	})
}

// DeleteSection removes an empty 大类 (no 小类) or 小类 (no items); one
// that still holds something is refused, so that no item goes by accident.
func (s *Service) DeleteSection(ctx context.Context, by string, templateID int64, version int, sectionID int64) (*Template, error) {
	return s.editTemplate(ctx, by, templateID, version, func(t *Template) error {
		sec, parent, siblings := findSection(t, sectionID)
		switch {
		case sec == nil:
			return ErrNotFound
		case len(sec.Subs) > 0:
			return &RefusedError{Reason: fmt.Sprintf("大类「%s」下还有 %d 个小类,不能删除;请先删除其中的小类", sec.Name, len(sec.Subs))}
		case len(sec.Items) > 0:
			return &RefusedError{Reason: fmt.Sprintf("%s「%s」下还有 %d 项,不能删除;请先删除其中的项", sectionKind(parent), sec.Name, len(sec.Items))}
		}
		list := *siblings
		for i, o := range list {
			if o.ID == sec.ID {
				*siblings = append(list[:i], list[i+1:]...)
				break
			}
		}
		return nil
	})
}

// FaultKind makes a refused change a fault.Refused.
func (e *RefusedError) FaultKind() fault.Kind { return fault.Refused }
