package register

import (
	"encoding/json"
	"strconv"

	"shequ/internal/money"
)

// RentYuan writes 分 as 元: whole 元 bare (1200), else two decimals
// (1200.50), as rents were shown when they were whole 元.
func RentYuan(fen int64) string {
	y := strconv.FormatInt(fen/100, 10)
	if c := fen % 100; c != 0 {
		y += "." + strconv.FormatInt(100+c, 10)[1:]
	}
	return y
}

// MonthlyRentYuan is the rent in 元 as RentYuan writes it.
func (r Rental) MonthlyRentYuan() string { return RentYuan(r.MonthlyRentFen) }

// rentalJSON is a Rental without its JSON methods.
type rentalJSON Rental

// MarshalJSON writes the rent in 分 (monthly_rent_fen) and, for readers of
// the time it was kept in whole 元, in 元 as a decimal number
// (monthly_rent). Change events keep both.
func (r Rental) MarshalJSON() ([]byte, error) {
	v := struct {
		rentalJSON
		MonthlyRent json.Number `json:"monthly_rent,omitempty"`
	}{rentalJSON: rentalJSON(r)}
	if r.MonthlyRentFen != 0 {
		v.MonthlyRent = json.Number(RentYuan(r.MonthlyRentFen))
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads both, and the change events written before rents
// were kept in 分, which have only monthly_rent in whole 元.
func (r *Rental) UnmarshalJSON(b []byte) error {
	var v struct {
		rentalJSON
		MonthlyRent json.Number `json:"monthly_rent"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Rental(v.rentalJSON)
	if r.MonthlyRentFen == 0 && v.MonthlyRent != "" {
		r.MonthlyRentFen, _ = money.ParseYuan(v.MonthlyRent.String())
	}
	return nil
}
