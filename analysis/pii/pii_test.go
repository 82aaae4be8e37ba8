package pii

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// withIDCheck appends the GB 11643-1999 check character to 17 digits,
// computed here from the definition (weights 2^(17-i) mod 11), not with the
// package's table.
func withIDCheck(d17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(d17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return d17 + "X"
	}
	return d17 + fmt.Sprint(c)
}

// withLuhn appends the Luhn check digit to d.
func withLuhn(d string) string {
	for c := '0'; c <= '9'; c++ {
		s := d + string(c)
		sum := 0
		for i := range s {
			v := int(s[len(s)-1-i] - '0')
			if i%2 == 1 {
				v *= 2
				if v > 9 {
					v -= 9
				}
			}
			sum += v
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

// breakLast changes the last character of d so its check fails; for 18
// digits, also so that they do not pass Luhn (they would be a card).
func breakLast(d string) string {
	for c := '0'; c <= '9'; c++ {
		b := d[:len(d)-1] + string(c)
		if b != d && (len(b) != 18 || withLuhn(b[:17]) != b) {
			return b
		}
	}
	panic("unreachable")
}

// group4 writes d in groups of four joined by sep.
func group4(d, sep string) string {
	var parts []string
	for len(d) > 4 {
		parts = append(parts, d[:4])
		d = d[4:]
	}
	return strings.Join(append(parts, d), sep)
}

var (
	id1     = "11010519491231002X"             // the sample in GB 11643-1999
	id2     = withIDCheck("44030620000229123") // 2000-02-29
	idLower = strings.ToLower(id1)
	// Valid checksum, impossible birth dates or provinces.
	idFeb30   = withIDCheck("11010519900230123")
	idMonth13 = withIDCheck("11010519901301123")
	idY1899   = withIDCheck("11010518991231123")
	idNoProv  = withIDCheck("00010519491231123")
	idFeb29   = withIDCheck("11010519000229123") // 1900 is not a leap year
	card16    = withLuhn("622202123456789")
	card19    = withLuhn("621700123456789012")
	visa16    = withLuhn("411111111111111")
	card20    = withLuhn("6222021234567890123")
	card2xxx  = withLuhn("222100000000000")
	order19   = withLuhn("202411261234567890") // Luhn valid, but starts like no card
)

// idAndCard is an 18-digit number that is both a valid ID and Luhn valid.
var idAndCard = func() string {
	for seq := 100; seq < 1000; seq++ {
		id := withIDCheck(fmt.Sprintf("31010419850612%03d", seq))
		if id[17] != 'X' && withLuhn(id[:17]) == id {
			return id
		}
	}
	panic("no ID is also a card number")
}()

func sp(k Kind, text, part string) Span {
	i := strings.Index(text, part)
	if i < 0 {
		panic(fmt.Sprintf("%q not in %q", part, text))
	}
	return Span{Kind: k, Start: i, End: i + len(part)}
}

type findCase struct {
	name string
	text string
	want []string // kind:substring, in order
}

var findCases = []findCase{
	{"empty", "", nil},
	{"chinese only", "今天市政府召开新闻发布会，通报了近期的防汛工作情况。", nil},
	{"small numbers", "2024年11月26日上午10:30，3人受伤，损失约120万元。", nil},

	// Mobile.
	{"mobile in chinese", "请拨打13812345678联系", []string{"mobile:13812345678"}},
	{"mobile hyphens", "电话138-1234-5678。", []string{"mobile:138-1234-5678"}},
	{"mobile spaces", "电话 138 1234 5678 谢谢", []string{"mobile:138 1234 5678"}},
	{"mobile 3-8", "电话 138 12345678", []string{"mobile:138 12345678"}},
	{"mobile +86 space", "+86 13812345678", []string{"mobile:+86 13812345678"}},
	{"mobile +86 hyphen", "tel:+86-138-1234-5678", []string{"mobile:+86-138-1234-5678"}},
	{"mobile +86 joined", "+8613812345678", []string{"mobile:+8613812345678"}},
	{"mobile 0086", "0086 13812345678", []string{"mobile:0086 13812345678"}},
	{"mobile 0086 joined", "008613812345678", []string{"mobile:008613812345678"}},
	{"mobile 19x", "19912345678", []string{"mobile:19912345678"}},
	{"two mobiles", "电话：13812345678，13987654321", []string{"mobile:13812345678", "mobile:13987654321"}},
	{"two mobiles spaced", "13812345678 13987654321", []string{"mobile:13812345678", "mobile:13987654321"}},
	{"+86 then mobile", "+86 13812345678 13987654321", []string{"mobile:+86 13812345678", "mobile:13987654321"}},
	{"mobile after date", "2024-11-26 13812345678", []string{"mobile:13812345678"}},
	{"mobile in parens", "(13812345678)", []string{"mobile:13812345678"}},
	{"mobile then period", "号码13812345678.", []string{"mobile:13812345678"}},
	{"not mobile 12", "12345678901", nil},
	{"not mobile 10 digits", "1381234567", nil},
	{"not mobile 12 digits", "138123456789", nil},
	{"not mobile other country", "+1 3812345678 / +13812345678", nil},
	{"not mobile 3-4-4-4", "138 1234 5678 9012", nil},
	{"not mobile 4-3-4-4", "1 138 1234 5678", nil},

	// Embedded in longer runs.
	{"order number", "订单号2024112612345678901已发货", nil},
	{"order number luhn", "订单" + order19, nil},
	{"mobile inside 20 digits", "12345678901381234567", nil},
	{"after letters", "sku13812345678", nil},
	{"before letters", "13812345678abc", nil},
	{"after underscore", "id_13812345678", nil},
	{"decimal left", "0.13812345678", nil},
	{"decimal right", "13812345678.5", nil},
	{"already masked", "138****5678 138-****-5678 " + "**** **** **** 7890", nil},
	{"stars around", "**13812345678**", nil},

	// Landline.
	{"landline beijing", "010-12345678", []string{"landline:010-12345678"}},
	{"landline paren", "请拨(0571)87654321", []string{"landline:(0571)87654321"}},
	{"landline paren space", "(0571) 87654321", []string{"landline:(0571) 87654321"}},
	{"landline 7 digits", "0571-8765432", []string{"landline:0571-8765432"}},
	{"landline space", "0571 87654321", []string{"landline:0571 87654321"}},
	{"landline 4-4", "021-6234-5678", []string{"landline:021-6234-5678"}},
	{"landline joined", "057187654321", []string{"landline:057187654321"}},
	{"landline ext", "010-12345678转123", []string{"landline:010-12345678"}},
	{"landline hyphen ext", "0571-87654321-8001", []string{"landline:0571-87654321"}},
	{"not landline bad area", "019-12345678", nil},
	{"not landline 3-digit area 7", "010-1234567", nil},
	{"not landline subscriber 0", "010-02345678", nil},

	// ID card.
	{"id sample", "身份证号：11010519491231002X", []string{"id_card:11010519491231002X"}},
	{"id lower x", "身份证" + idLower + "。", []string{"id_card:" + idLower}},
	{"id leap day", "id " + id2, []string{"id_card:" + id2}},
	{"id spaced", "110105 19491231 002X", []string{"id_card:110105 19491231 002X"}},
	{"id bad check", "身份证" + breakLast(id1), nil},
	{"id bad check 2", breakLast(id2), nil},
	{"id feb 30", idFeb30, nil},
	{"id month 13", idMonth13, nil},
	{"id 1899", idY1899, nil},
	{"id no province", idNoProv, nil},
	{"id 1900-02-29", idFeb29, nil},
	{"id x then letters", "11010519491231002xyz", nil},
	{"id wins over card", "号码" + idAndCard, []string{"id_card:" + idAndCard}},

	// Bank card.
	{"card 16", "卡号" + card16 + "。", []string{"bank_card:" + card16}},
	{"card 19", "卡号：" + card19, []string{"bank_card:" + card19}},
	{"visa", visa16, []string{"bank_card:" + visa16}},
	{"card 2-series", card2xxx, []string{"bank_card:" + card2xxx}},
	{"card grouped spaces", "卡号 " + group4(card16, " ") + " 请转账", []string{"bank_card:" + group4(card16, " ")}},
	{"card grouped hyphens", group4(card19, "-"), []string{"bank_card:" + group4(card19, "-")}},
	{"card bad luhn", breakLast(card16), nil},
	{"card bad luhn grouped", group4(breakLast(card19), " "), nil},
	{"card 20 digits", card20, nil},
	{"card 5 groups of 4", group4(card20, " "), nil},
	{"card then group", group4(card16, " ") + " 1234", nil},

	// Email.
	{"email", "邮箱a@example.com", []string{"email:a@example.com"}},
	{"email dots plus", "联系abc.def+tag@mail.example.com。", []string{"email:abc.def+tag@mail.example.com"}},
	{"email sentence dot", "发到abc@qq.com.", []string{"email:abc@qq.com"}},
	{"email upper", "ABC@QQ.COM", []string{"email:ABC@QQ.COM"}},
	{"email digits", "1234567@qq.com", []string{"email:1234567@qq.com"}},
	{"email leading dot", "见.abc@qq.com", []string{"email:abc@qq.com"}},
	{"email double dot", "a..b@qq.com", []string{"email:b@qq.com"}},
	{"email two", "a@b.com, c.d@e.org", []string{"email:a@b.com", "email:c.d@e.org"}},
	{"email chained", "a@b.com@c.com", []string{"email:a@b.com"}},
	{"not email no tld", "abc@qq", nil},
	{"not email short tld", "abc@qq.c", nil},
	{"not email digit tld", "abc@qq.123", nil},
	{"not email trailing dot", "abc.@qq.com", nil},
	{"not email hyphen label", "ab@-x.com ab@x-.com", nil},
	{"not email long local", strings.Repeat("a", 65) + "@qq.com", nil},
	{"not email mention", "@人民日报 转发", nil},
	{"mention then mobile", "@张三 13812345678", []string{"mobile:13812345678"}},

	// Overlaps between numbers and addresses.
	{"mobile as address", "13812345678@163.com", []string{"email:13812345678@163.com"}},
	{"mobile before address", "138 1234 5678@qq.com", []string{"mobile:138 1234 5678"}},
	{"+86 before address", "+86 13812345678@qq.com", []string{"mobile:+86 13812345678"}},
	{"numbers inside address", "13812345678-13987654321@qq.com", []string{"email:13812345678-13987654321@qq.com"}},
	{"digits in domain", "a@13812345678.com", []string{"email:a@13812345678.com"}},
	{"domain then mobile", "见@x.cn 13812345678", []string{"mobile:13812345678"}},

	// Several kinds.
	{"mixed", "张三，身份证11010519491231002X，手机138-1234-5678，邮箱zs@example.com，卡号" + card16 + "，座机(010)62345678。",
		[]string{"id_card:11010519491231002X", "mobile:138-1234-5678", "email:zs@example.com", "bank_card:" + card16, "landline:(010)62345678"}},
}

func TestFind(t *testing.T) {
	for _, tc := range findCases {
		t.Run(tc.name, func(t *testing.T) {
			var want []Span
			from := 0
			for _, w := range tc.want {
				k, part, _ := strings.Cut(w, ":")
				s := sp(Kind(k), tc.text[from:], part)
				s.Start += from
				s.End += from
				from = s.End
				want = append(want, s)
			}
			got := Find(tc.text)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Find(%q)\n got %v %s\nwant %v", tc.text, got, quote(tc.text, got), want)
			}
		})
	}
}

func quote(text string, spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "%q ", text[s.Start:s.End])
	}
	return b.String()
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"请拨打13812345678联系", "请拨打138****5678联系"},
		{"+86 138-1234-5678", "+86 138-****-5678"},
		{"+8613812345678", "+86138****5678"},
		{"0086 138 1234 5678", "0086 138 **** 5678"},
		{"身份证号：11010519491231002X", "身份证号：110105********002X"},
		{"110105 19491231 002x", "110105 ******** 002x"},
		{"010-12345678转123", "010-********转123"},
		{"(0571) 87654321", "(0571) ********"},
		{"057187654321", "0571********"},
		{group4(card16, " "), "**** **** **** " + card16[12:]},
		{card19, strings.Repeat("*", 15) + card19[15:]},
		{group4(card19, "-"), "****-****-****-****-" + card19[16:]},
		{"邮箱abc.d@example.com。", "邮箱a****@example.com。"},
		{"a@b.cn", "*@b.cn"},
		{"没有个人信息", "没有个人信息"},
	}
	for _, tc := range tests {
		spans := Find(tc.in)
		got := Mask(tc.in, spans)
		if got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q (spans %v)", tc.in, got, tc.want, spans)
		}
		if len(got) != len(tc.in) {
			t.Errorf("Mask(%q) changed the length: %d → %d", tc.in, len(tc.in), len(got))
		}
		if again := Mask(got, spans); again != got {
			t.Errorf("masking %q again gives %q", got, again)
		}
		if s := Find(got); s != nil {
			t.Errorf("Find(%q) = %v, want nothing", got, s)
		}
	}
}

// TestMaskSpans checks Mask on spans Find would not return: out of range,
// overlapping, unknown kinds, non-ASCII bytes.
func TestMaskSpans(t *testing.T) {
	text := "电话13812345678和abc@x.cn"
	tests := []struct {
		spans []Span
		want  string
	}{
		{nil, text},
		{[]Span{{Mobile, -5, 3}, {Email, 20, 100}, {Mobile, 10, 2}}, "电话13812345678和a**@x.cn"},
		{[]Span{{Kind("other"), 0, len(text)}}, "电话***********和***@*.**"},
		{[]Span{{Mobile, 6, 17}, {BankCard, 6, 17}}, "电话*******5678和abc@x.cn"},
		{[]Span{{IDCard, 6, 17}}, "电话***********和abc@x.cn"},
		{[]Span{{Landline, 6, 17}}, "电话***********和abc@x.cn"},
		{[]Span{{Email, 17, 28}}, "电话13812345678和***@x.cn"}, // starts at 和: local part all masked
		{[]Span{{Email, 0, 20}}, "电话***********和abc@x.cn"},  // no '@': every ASCII byte
	}
	for _, tc := range tests {
		got := Mask(text, tc.spans)
		if got != tc.want {
			t.Errorf("Mask(%v) = %q, want %q", tc.spans, got, tc.want)
		}
		if len(got) != len(text) {
			t.Errorf("Mask(%v) changed the length", tc.spans)
		}
	}
}

func TestSpanJSON(t *testing.T) {
	b, err := json.Marshal(Find("电话13812345678"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"kind":"mobile","start":6,"end":17}]`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}

func TestFindNoAllocs(t *testing.T) {
	text := benchTexts[0].text
	if n := testing.AllocsPerRun(100, func() { Find(text) }); n != 0 {
		t.Errorf("Find on text without personal data allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { Mask(text, nil) }); n != 0 {
		t.Errorf("Mask without spans allocates %v times", n)
	}
}
