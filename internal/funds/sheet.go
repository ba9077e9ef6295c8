package funds

import (
	"io"

	"shequ/internal/money"
	"shequ/internal/sheets"
)

// WriteStatement writes a statement as a spreadsheet: a row per fund and
// the total, amounts in 元 with two decimals, then the expenses by
// category.
func WriteStatement(w io.Writer, community string, st Statement) error {
	sw, err := sheets.NewWriter(w, "xlsx", "收支报表")
	if err != nil {
		return err
	}
	period := st.From
	if st.To != st.From {
		period += " 至 " + st.To
	}
	rows := [][]string{{community + " 社区经费收支报表", period},
		{"经费", "类别", "期初余额(元)", "本期拨付(元)", "本期收入(元)", "本期支出(元)", "期末余额(元)"}}
	for _, f := range append(append([]FundStatement{}, st.Funds...), st.Total) {
		rows = append(rows, []string{sheets.DefuseFormula(f.Name), KindName(f.Kind), money.Yuan(f.OpeningFen), money.Yuan(f.AllocatedFen),
			money.Yuan(f.ReceivedFen), money.Yuan(f.SpentFen), money.Yuan(f.ClosingFen)})
	}
	rows = append(rows, nil, []string{"经费", "支出类别", "金额(元)"})
	for _, f := range append(append([]FundStatement{}, st.Funds...), st.Total) {
		for _, c := range f.ByCategory {
			rows = append(rows, []string{sheets.DefuseFormula(f.Name), c.Name(), money.Yuan(c.Fen)})
		}
	}
	for _, r := range rows {
		if err := sw.WriteRow(r); err != nil {
			return err
		}
	}
	return sw.Close()
}
