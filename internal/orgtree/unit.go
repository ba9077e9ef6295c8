// Package orgtree keeps the hierarchy of places the register hangs on —
// 市 > 区 > 街道 > 社区 > (居民小组) > 网格 > 楼栋 > 单元 — with their
// administrative codes, grid boundaries and the staff assigned to them.
package orgtree

import (
	"fmt"
	"regexp"
)

// Level kinds the code relies on. Deployments name them freely and may add
// others (e.g. group, 居民小组) between them.
const (
	LevelCity      = "city"
	LevelDistrict  = "district"
	LevelStreet    = "street"
	LevelCommunity = "community"
	LevelGroup     = "group"
	LevelGrid      = "grid"
	LevelBuilding  = "building"
	LevelUnit      = "unit"
)

// Level is one rung of the tree.
type Level struct {
	Kind string
	Name string
	Rank int
}

// Unit is one node of the org tree.
type Unit struct {
	ID          int64  `json:"id"`
	ParentID    int64  `json:"parent_id,omitempty"`
	Level       string `json:"level"`
	LevelName   string `json:"level_name"`
	Name        string `json:"name"`
	Code        string `json:"code,omitempty"`
	CommunityID int64  `json:"community_id,omitempty"`
	GridID      int64  `json:"grid_id,omitempty"`
	Boundary    string `json:"boundary,omitempty"` // GeoJSON geometry
	Sort        int    `json:"sort"`
	Version     int    `json:"version"`
	// RetiredOn is the day the unit was retired (撤销), "" while it serves.
	RetiredOn string `json:"retired_on,omitempty"`
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// ValidateCode checks an administrative code for the unit's level: the
// six-digit GB/T 2260 code for 市 and 区/县, the twelve-digit statistical
// division code (统计用区划代码) for 街道 and 社区; an empty code is allowed.
func ValidateCode(level, code string) error {
	if code == "" {
		return nil
	}
	if !digits.MatchString(code) {
		return fmt.Errorf("区划代码只能包含数字")
	}
	switch level {
	case LevelCity, LevelDistrict:
		if len(code) != 6 && len(code) != 12 {
			return fmt.Errorf("市、区县的区划代码应为6位(GB/T 2260)或12位统计代码")
		}
	case LevelStreet, LevelCommunity:
		if len(code) != 12 {
			return fmt.Errorf("街道、社区的区划代码应为12位统计用区划代码")
		}
	default:
		if len(code) > 20 {
			return fmt.Errorf("编码不能超过20位")
		}
	}
	return nil
}
