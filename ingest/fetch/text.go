package fetch

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// xmlEncoding finds the encoding of an XML declaration.
var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// UTF8 returns the body decoded to UTF-8. The encoding is taken from a
// byte-order mark, else the Content-Type charset, else an XML declaration
// or an HTML <meta charset> / http-equiv, else sniffed
// (charset.DetermineEncoding). GBK, GB18030, GB2312 (read as GBK) and
// Big5 are among the encodings understood. A declared encoding that is
// unknown is an error.
func (r Response) UTF8() ([]byte, error) {
	enc, name, err := r.Encoding()
	if err != nil {
		return nil, err
	}
	if name == "utf-8" {
		return bytes.ToValidUTF8(bytes.TrimPrefix(r.Body, []byte("\ufeff")), []byte("\ufffd")), nil
	}
	out, err := enc.NewDecoder().Bytes(r.Body)
	if err != nil {
		return nil, fmt.Errorf("decoding %s from %s: %w", r.URL, name, err)
	}
	return bytes.TrimPrefix(out, []byte("\ufeff")), nil
}

// Encoding returns the encoding UTF8 decodes the body from and its
// canonical name.
func (r Response) Encoding() (encoding.Encoding, string, error) {
	if hasBOM(r.Body) {
		e, name, _ := charset.DetermineEncoding(r.Body, "")
		return e, name, nil
	}
	if _, params, err := mime.ParseMediaType(r.ContentType); err == nil && params["charset"] != "" {
		e, name, err := r.lookup(params["charset"])
		// A UTF-8 server default that the page contradicts (a GBK page
		// served as UTF-8 is common) falls through to the page's own
		// declaration.
		if err != nil || name != "utf-8" || utf8.Valid(r.Body) {
			return e, name, err
		}
	}
	if m := xmlEncoding.FindSubmatch(r.Body); m != nil {
		return r.lookup(string(m[1]))
	}
	e, name, _ := charset.DetermineEncoding(r.Body, "text/html")
	return e, name, nil
}

func (r Response) lookup(label string) (encoding.Encoding, string, error) {
	e, name := charset.Lookup(label)
	if e == nil {
		return nil, "", fmt.Errorf("decoding %s: unknown charset %q", r.URL, label)
	}
	return e, name, nil
}

func hasBOM(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) || bytes.HasPrefix(b, []byte("\xfe\xff")) || bytes.HasPrefix(b, []byte("\xff\xfe"))
}
