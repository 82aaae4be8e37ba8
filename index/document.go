package index

import (
	"fmt"

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

// buildDocument builds the bleve document for d: keyword, time and source
// fields through the mapping, text fields from d's tokens.
func buildDocument(m mapping.IndexMapping, d *analysis.Doc) (*document.Document, error) {
	src := *d
	src.Text, src.Title, src.Tokens, src.TitleTokens = "", "", nil, nil
	js, err := json.Marshal(src)
	if err != nil {
		return nil, fmt.Errorf("encoding doc %s: %w", d.ID, err)
	}
	fields := map[string]any{sourceField: string(js)}
	for f, v := range map[string]string{fieldSource: d.Source, fieldKind: d.Kind,
		fieldAuthor: d.Author, fieldRegion: d.Region, fieldLang: d.Lang} {
		if v != "" {
			fields[f] = v
		}
	}
	if !d.PublishedAt.IsZero() {
		fields[fieldPublishedAt] = d.PublishedAt
	}
	if !d.IngestedAt.IsZero() {
		fields[fieldIngestedAt] = d.IngestedAt
	}
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, fields); err != nil {
		return nil, fmt.Errorf("mapping doc %s: %w", d.ID, err)
	}
	doc.AddField(document.NewTextFieldCustom(fieldText, nil, []byte(d.Text), textOptions, pretokenized(d.Tokens)))
	if d.Title != "" {
		doc.AddField(document.NewTextFieldCustom(fieldTitle, nil, []byte(d.Title), textOptions, pretokenized(d.TitleTokens)))
	}
	return doc, nil
}

// decodeStored rebuilds a Doc (without tokens) from stored fields.
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
