package orgtree

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// FindPath resolves a unit written as its path from the root
// (延安市/安塞区/真武洞街道/城北社区), as lists write places; a reference
// without a "/" is an id, code or name, as Find takes it.
func (s *Store) FindPath(ctx context.Context, ref string) (Unit, error) {
	segs := splitPath(ref)
	if len(segs) < 2 {
		return s.Find(ctx, ref)
	}
	var id int64
	for i, name := range segs {
		var err error
		if i == 0 {
			err = s.db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE parent_id IS NULL AND name = $1
				AND retired_on IS NULL ORDER BY id LIMIT 1`, name).Scan(&id)
		} else {
			err = s.db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE parent_id = $1 AND name = $2
				AND retired_on IS NULL ORDER BY id LIMIT 1`, id, name).Scan(&id)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return Unit{}, fmt.Errorf("找不到组织单元“%s”:%s", ref, missing(segs, i))
		}
		if err != nil {
			return Unit{}, err
		}
	}
	return s.Get(ctx, id)
}

// missing says which step of a path names nothing.
func missing(segs []string, i int) string {
	if i == 0 {
		return fmt.Sprintf("没有名为“%s”的顶级单元", segs[0])
	}
	return fmt.Sprintf("“%s”下没有“%s”", strings.Join(segs[:i], "/"), segs[i])
}
