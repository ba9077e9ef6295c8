package fault

import (
	"errors"
	"fmt"
	"testing"
)

type staleError struct{ by string }

func (e *staleError) Error() string   { return "保存冲突:已被" + e.by + "修改" }
func (e *staleError) FaultKind() Kind { return Conflict }

func TestKindOf(t *testing.T) {
	notFound := New(NotFound, "事件不存在")
	cases := []struct {
		err  error
		kind Kind
		msg  string
	}{
		{nil, "", ""},
		{errors.New("pq: relation persons does not exist"), Internal, "服务器内部错误,请稍后再试"},
		{notFound, NotFound, "事件不存在"},
		{fmt.Errorf("读取事件 7: %w", notFound), NotFound, "事件不存在"},
		{Fields{"name": "请填写姓名"}, Invalid, "请填写姓名"},
		{fmt.Errorf("保存: %w", Fields{"b": "二", "a": "一"}), Invalid, "一;二"},
		{&staleError{by: "张三"}, Conflict, "保存冲突:已被张三修改"},
		{New(Internal, "磁盘已满 /var/lib/shequ"), Internal, "服务器内部错误,请稍后再试"},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.kind {
			t.Errorf("KindOf(%v) = %q, want %q", c.err, got, c.kind)
		}
		if got := Message(c.err); got != c.msg {
			t.Errorf("Message(%v) = %q, want %q", c.err, got, c.msg)
		}
	}
	if !errors.Is(fmt.Errorf("x: %w", notFound), notFound) {
		t.Error("a sentinel of kind NotFound is no longer found by errors.Is")
	}
}

func TestFields(t *testing.T) {
	f := Fields{}
	if f.Err() != nil {
		t.Fatal("empty Fields is an error")
	}
	f.Add("id_number", "身份证号校验位错误")
	f.Add("id_number", "身份证号应为18位")
	if f["id_number"] != "身份证号校验位错误" {
		t.Errorf("the first message must win: %q", f["id_number"])
	}
	err := fmt.Errorf("保存人员: %w", f.Err())
	if got := FieldsOf(err); got["id_number"] == "" {
		t.Errorf("FieldsOf lost the field: %v", got)
	}
	if FieldsOf(errors.New("x")) != nil {
		t.Error("FieldsOf of a plain error is not nil")
	}
}
