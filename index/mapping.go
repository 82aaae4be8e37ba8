package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/yuqing-dev/yuqing/analysis"
)

// Field names in the index. Text fields hold the display text (personal
// data masked; stored for highlighting, with term vectors); keyword fields
// hold exact values for filters and facets; sourceField holds the rest of
// the Doc as JSON for display, stored but not indexed.
const (
	fieldText        = "text"
	fieldTitle       = "title"
	fieldSource      = "source"
	fieldKind        = "kind"
	fieldAuthor      = "author"
	fieldRegion      = "region"
	fieldLang        = "lang"
	fieldPublishedAt = "published_at"
	fieldIngestedAt  = "ingested_at"
	fieldCategory    = "category"       // category ids scoring ≥ categoryMin
	fieldProvince    = "province"       // from locations
	fieldCity        = "city"           // from locations
	fieldClusterID   = "cluster_id"     // repost cluster
	fieldDistrict    = "district"       // from locations
	fieldHour        = "published_hour" // UTC hour of published_at, "2006-01-02T15", for histograms
	fieldRisk        = "risk"           // numeric 0..1
	fieldSentiment   = "sentiment"      // numeric -1..1
	sourceField      = "doc_json"
)

// categoryMin is the score from which a doc is filed under a category.
const categoryMin = 0.5

var keywordFields = []string{fieldSource, fieldKind, fieldAuthor, fieldRegion, fieldLang,
	fieldCategory, fieldProvince, fieldCity, fieldDistrict, fieldClusterID, fieldHour}

// NewMapping returns the index mapping. Documents are built by Index
// itself (see document), so the mapping is static: it declares every field
// so that queries analyse text fields with the gse analyzer and know the
// types of the others.
func NewMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = analysis.AnalyzerName
	im.DefaultField = fieldText
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fieldText, fieldTitle} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analysis.AnalyzerName
		fm.Store = true
		fm.IncludeTermVectors = true
		fm.IncludeInAll = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range keywordFields {
		fm := bleve.NewKeywordFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = true
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{fieldPublishedAt, fieldIngestedAt} {
		fm := bleve.NewDateTimeFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = true
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{fieldRisk, fieldSentiment} {
		fm := bleve.NewNumericFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = true
		dm.AddFieldMappingsAt(f, fm)
	}
	src := bleve.NewTextFieldMapping()
	src.Index = false
	src.Store = true
	src.IncludeInAll = false
	src.IncludeTermVectors = false
	src.DocValues = false
	dm.AddFieldMappingsAt(sourceField, src)

	// No _all composite field: queries name their fields, and text fields
	// added by buildDocument after MapDocument would otherwise be indexed a
	// second time into _all (that doubled the indexing cost).
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im.DefaultMapping = dm
	return im
}
