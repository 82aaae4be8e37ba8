package evalset

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// WriteTable writes rows under header as an aligned text table: the first
// column left-aligned, the others right-aligned, widths measured in
// terminal cells (a Chinese character is two).
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	all := append([][]string{header}, rows...)
	widths := make([]int, len(header))
	for _, r := range all {
		for i, cell := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], cellWidth(cell))
			}
		}
	}
	var b strings.Builder
	for _, r := range all {
		for i, cell := range r {
			if i >= len(widths) {
				break
			}
			pad := strings.Repeat(" ", widths[i]-cellWidth(cell))
			switch {
			case i == 0:
				b.WriteString(cell + pad)
			default:
				b.WriteString("  " + pad + cell)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cellWidth is the display width of s.
func cellWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
		i += size
	}
	return n
}

// WriteConfusion writes the matrix as a table, gold classes down
// (classes without gold rows left out), predictions across.
func WriteConfusion(w io.Writer, c *Confusion) error {
	header := append([]string{"gold \\ predicted"}, c.Labels...)
	rows := make([][]string, 0, len(c.Labels))
	for g, l := range c.Labels {
		row := []string{l}
		total := 0
		for _, n := range c.Counts[g] {
			row = append(row, fmt.Sprint(n))
			total += n
		}
		if total > 0 {
			rows = append(rows, row)
		}
	}
	return WriteTable(w, header, rows)
}

// WriteScores writes the per-class table, the averages and the binary view.
func WriteScores(w io.Writer, s Scores) error {
	rows := make([][]string, 0, len(s.Classes)+2)
	for _, c := range s.Classes {
		if c.Support == 0 && c.Predicted == 0 {
			continue
		}
		rows = append(rows, []string{c.Class, f3(c.Precision), f3(c.Recall), f3(c.F1), fmt.Sprint(c.Support), fmt.Sprint(c.Predicted)})
	}
	rows = append(rows,
		[]string{"micro avg (excl. none)", f3(s.Micro.Precision), f3(s.Micro.Recall), f3(s.Micro.F1), "", ""},
		[]string{"macro avg (excl. none)", f3(s.Macro.Precision), f3(s.Macro.Recall), f3(s.Macro.F1), "", ""})
	if s.Binary != nil {
		b := s.Binary
		rows = append(rows, []string{"binary: any vs none", f3(b.Precision), f3(b.Recall), f3(b.F1), fmt.Sprint(b.TP + b.FN), fmt.Sprint(b.TP + b.FP)})
	}
	if err := WriteTable(w, []string{"class", "precision", "recall", "f1", "support", "predicted"}, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "accuracy %s over %d rows\n", f3(s.Accuracy), s.N)
	return err
}

// WriteStats writes fold averages as "mean ± sd".
func WriteStats(w io.Writer, stats []Stat) error {
	rows := make([][]string, len(stats))
	for i, st := range stats {
		rows[i] = []string{st.Name, fmt.Sprintf("%.4f ± %.4f", st.Mean, st.SD)}
	}
	return WriteTable(w, []string{"metric", fmt.Sprintf("mean ± sd over %d folds", foldCount(stats))}, rows)
}

func foldCount(stats []Stat) int {
	if len(stats) == 0 {
		return 0
	}
	return stats[0].N
}

// WriteAnyRate writes the per-label hit rates.
func WriteAnyRate(w io.Writer, a *AnyRate) error {
	rows := make([][]string, 0, len(a.ByLabel)+1)
	byLabel := slices.Clone(a.ByLabel)
	slices.SortFunc(byLabel, func(x, y Rate) int { return strings.Compare(x.Label, y.Label) })
	for _, r := range byLabel {
		name := r.Label
		if a.Exclude[r.Label] {
			name += " (excluded)"
		}
		rows = append(rows, []string{name, fmt.Sprint(r.Rows), fmt.Sprint(r.Hits), fmt.Sprintf("%.2f%%", 100*r.Rate)})
	}
	rows = append(rows, []string{a.Total.Label, fmt.Sprint(a.Total.Rows), fmt.Sprint(a.Total.Hits), fmt.Sprintf("%.2f%%", 100*a.Total.Rate)})
	_, err := fmt.Fprintf(w, "rows with any %s.* ≥ %g, by label:\n", a.Prefix, a.Threshold)
	if err != nil {
		return err
	}
	if err := WriteTable(w, []string{"label", "rows", "hits", "rate"}, rows); err != nil {
		return err
	}
	if a.Typed > 0 || a.TypedCorrect > 0 {
		_, err = fmt.Fprintf(w, "of the rows with a hit, %d/%d (%.2f%%) have the right class predicted\n",
			a.TypedCorrect, a.Typed, 100*float64(a.TypedCorrect)/float64(max(a.Typed, 1)))
	}
	return err
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }
