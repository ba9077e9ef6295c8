package web

import (
	"context"
	"maps"
)

// RecordNamer names records of one kind for the audit page: id → the name
// a person knows the record by (a tracking number, a household's number),
// masked where it is personal. Ids it cannot name are left out.
type RecordNamer func(ctx context.Context, ids []int64) (map[int64]string, error)

// AddRecordNamer lets a capability name its records in the audit log.
func (k *Kit) AddRecordNamer(kind string, fn RecordNamer) {
	if k.namers == nil {
		k.namers = map[string]RecordNamer{}
	}
	k.namers[kind] = fn
}

// RecordNamers are the namers capabilities added, by kind of record.
func (k *Kit) RecordNamers() map[string]RecordNamer { return maps.Clone(k.namers) }
