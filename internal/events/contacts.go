package events

import (
	"context"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// Contact is who receives notices for a unit's office (Department "") or
// for a department in the unit's jurisdiction (its duty phone).
type Contact struct {
	ID         int64  `json:"id"`
	UnitID     int64  `json:"unit_id"`
	Department string `json:"department,omitempty"`
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	UserID     int64  `json:"user_id,omitempty"`
}

// Contacts lists the contacts of a unit. Phones are shown as v's field set
// for events shows reporter phones (masked for most roles).
func (s *Store) Contacts(ctx context.Context, v *access.Viewer, unit int64) ([]Contact, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, unit_id, department, name, phone, COALESCE(user_id, 0)
		FROM event_contacts WHERE unit_id = $1 ORDER BY department, name, id`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.ID, &c.UnitID, &c.Department, &c.Name, &c.Phone, &c.UserID); err != nil {
			return nil, err
		}
		if !v.Can(PermManage) {
			c.Phone = ident.MaskPhone(c.Phone)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddContact adds a contact (events.manage).
func (s *Store) AddContact(ctx context.Context, q database.Querier, c *Contact) error {
	fe := fault.Fields{}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 40 {
		fe["name"] = "请填写联系人或值班岗位名称(40字以内)"
	}
	p, err := ident.ParsePhone(c.Phone)
	if err != nil {
		fe["phone"] = "电话应为11位手机号或带区号的固定电话"
	}
	c.Phone = p
	if c.Department != "" {
		names, err := s.Departments(ctx)
		if err != nil {
			return err
		}
		if names[c.Department] == "" {
			fe["department"] = "部门不存在"
		}
	}
	if _, err := s.org.Get(ctx, c.UnitID); err != nil {
		fe["unit_id"] = "单位不存在"
	}
	if len(fe) > 0 {
		return fe
	}
	c.ID = database.NewID()
	if q == nil {
		q = s.db
	}
	_, err = q.ExecContext(ctx, `INSERT INTO event_contacts (id, unit_id, department, name, phone, user_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, c.UnitID, c.Department, c.Name, c.Phone, nullInt(c.UserID))
	return err
}

// DeleteContact removes a contact.
func (s *Store) DeleteContact(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM event_contacts WHERE id = $1`, id)
	return err
}
