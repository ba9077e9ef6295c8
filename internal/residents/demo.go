package residents

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
)

// DemoSummary counts what LoadDemo made.
type DemoSummary struct {
	Requests int // codes asked for
	Verified int // codes that signed a resident in
	Active   int // sessions alive at now
}

// LoadDemo gives a community ten months of verifications: adult residents
// with a phone asking for codes a few times a day, most typing the code,
// some letting it lapse, a few requests matching nobody; the sessions they
// opened, some signed out, the recent ones still alive. It does nothing
// when the community already has some.
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM resident_codes WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0x18, seed))
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM persons WHERE community_id = $1 AND status = 'active'
			AND phone <> '' AND birth_date <= $2 ORDER BY id LIMIT 3000`, community, now.AddDate(-18, 0, 0).Format(database.DateLayout))
		if err != nil {
			return err
		}
		var people []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			people = append(people, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(people) == 0 {
			return err
		}
		for day := 300; day >= 0; day-- {
			for k := rng.IntN(5); k > 0; k-- {
				at := now.AddDate(0, 0, -day).Add(time.Duration(rng.IntN(12*60)) * time.Minute)
				if at.After(now) {
					continue
				}
				ticket := randomToken()
				var person any
				roll := rng.IntN(100)
				if roll >= 5 { // 5 in 100 match nobody: a typo in the name or an old phone
					person = people[rng.IntN(len(people))]
				}
				used, tries := 0, 1+rng.IntN(2)
				if person != nil && roll >= 15 {
					used = 1
				} else if person != nil {
					tries = 0 // asked and never typed
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO resident_codes (ticket_hash, community_id, id, person_id, code_hash,
					tries, used, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, hashOf(ticket), community,
					database.NewID(), person, codeHash(ticket, randomCode()), tries, used,
					database.FormatTime(at.Add(CodeTTL)), database.FormatTime(at)); err != nil {
					return err
				}
				sum.Requests++
				if used == 0 {
					continue
				}
				sum.Verified++
				signed := at.Add(time.Duration(1+rng.IntN(3)) * time.Minute)
				expires := signed.AddDate(0, 0, SessionDays)
				ended := ""
				if rng.IntN(4) == 0 { // a quarter sign out, on a shared phone
					ended = database.FormatTime(signed.Add(time.Duration(5+rng.IntN(60)) * time.Minute))
				}
				if ended == "" && expires.After(now) {
					sum.Active++
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO resident_sessions (token_hash, community_id, person_id, created_at,
					expires_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6)`, hashOf(randomToken()), community, person,
					database.FormatTime(signed), database.FormatTime(expires), ended); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return sum, err
}
