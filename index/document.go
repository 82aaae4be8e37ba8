package index

import (
	"fmt"
	"time"

	blevea "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
)

const textOptions = bindex.IndexField | bindex.StoreField | bindex.IncludeTermVectors

// pretokenized is a bleve Analyzer that returns tokens computed earlier.
type pretokenized []analysis.Token

func (p pretokenized) Analyze([]byte) blevea.TokenStream { return analysis.TokenStream(p) }

// buildDocument builds the bleve document for d: keyword, numeric, time
// and source fields through the mapping, text fields from d's tokens. The
// text and title indexed and stored are the display forms (personal data
// masked); the original text stays in the stored JSON only when it differs,
// for the reveal permission of the security work, and is never indexed.
func buildDocument(m mapping.IndexMapping, d *analysis.Doc) (*document.Document, error) {
	src := *d
	src.Tokens, src.TitleTokens, src.MaskedText, src.MaskedTitle = nil, nil, "", ""
	if d.MaskedText == "" {
		src.Text = ""
	}
	if d.MaskedTitle == "" {
		src.Title = ""
	}
	js, err := json.Marshal(src)
	if err != nil {
		return nil, fmt.Errorf("encoding doc %s: %w", d.ID, err)
	}
	fields := map[string]any{sourceField: string(js)}
	for f, v := range map[string]string{fieldSource: d.Source, fieldKind: d.Kind,
		fieldAuthor: d.Author, fieldRegion: d.Region, fieldLang: d.Lang, fieldClusterID: d.ClusterID} {
		if v != "" {
			fields[f] = v
		}
	}
	var cats, provinces, cities, districts []string
	for c, score := range d.Categories {
		if score >= categoryMin {
			cats = append(cats, c)
		}
	}
	for _, l := range d.Locations {
		if l.Province != "" {
			provinces = append(provinces, l.Province)
		}
		if l.City != "" {
			cities = append(cities, l.City)
		}
		if l.District != "" {
			districts = append(districts, l.District)
		}
	}
	for f, v := range map[string][]string{fieldCategory: cats, fieldProvince: provinces, fieldCity: cities, fieldDistrict: districts} {
		if len(v) > 0 {
			fields[f] = v
		}
	}
	fields[fieldRisk] = d.Risk
	fields[fieldSentiment] = d.Sentiment
	if !d.PublishedAt.IsZero() {
		fields[fieldPublishedAt] = d.PublishedAt
		fields[fieldHour] = hourKey(d.PublishedAt)
	}
	if !d.IngestedAt.IsZero() {
		fields[fieldIngestedAt] = d.IngestedAt
	}
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, fields); err != nil {
		return nil, fmt.Errorf("mapping doc %s: %w", d.ID, err)
	}
	doc.AddField(document.NewTextFieldCustom(fieldText, nil, []byte(d.DisplayText()), textOptions, pretokenized(d.Tokens)))
	if d.Title != "" {
		doc.AddField(document.NewTextFieldCustom(fieldTitle, nil, []byte(d.DisplayTitle()), textOptions, pretokenized(d.TitleTokens)))
	}
	return doc, nil
}

// decodeStored rebuilds a Doc (without tokens) from stored fields, as it
// is shown by default: Text and Title are the display (masked) forms and
// the original is not returned.
func decodeStored(id string, fields map[string]any) (analysis.Doc, error) {
	var d analysis.Doc
	js, _ := fields[sourceField].(string)
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		return d, fmt.Errorf("decoding stored doc %s: %w", id, err)
	}
	d.ID = id
	d.Text, _ = fields[fieldText].(string)
	d.Title, _ = fields[fieldTitle].(string)
	return d, nil
}

// hourKey is the histogram bucket of t: its UTC hour.
func hourKey(t time.Time) string { return t.UTC().Format(hourLayout) }

const hourLayout = "2006-01-02T15"
