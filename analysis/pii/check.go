package pii

// Validity checks on the digits of a candidate.

// validMobile reports whether d is 11 digits of the form 1[3-9]xxxxxxxxx.
func validMobile[S ~string | ~[]byte](d S) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3'
}

// areaLen returns the length of the area code d starts with: 3 for 010 and
// 02x, 4 for 0[3-9]xx, 0 if d does not start with one.
func areaLen(d string) int {
	switch {
	case len(d) < 3 || d[0] != '0':
		return 0
	case d[1] == '1' && d[2] == '0', d[1] == '2':
		return 3
	case d[1] >= '3' && len(d) >= 4:
		return 4
	}
	return 0
}

// validSubscriber reports whether d can follow an area code of length area:
// 8 digits (or 7 after a four-digit code), not starting with 0.
func validSubscriber[S ~string | ~[]byte](d S, area int) bool {
	return (len(d) == 8 || len(d) == 7 && area == 4) && d[0] != '0'
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// validID reports whether d is an 18-character resident ID number: a
// province code, a birth date from 1900 to 2100 that exists, and the check
// character of GB 11643-1999 (ISO 7064 MOD 11-2, 'x' for 10). Numbers
// starting with 9 (foreigners' permanent residence cards, 2023) carry the
// province in their second and third digits.
func validID(d []byte) bool {
	if len(d) != 18 {
		return false
	}
	p := d[:2]
	if d[0] == '9' {
		p = d[1:3]
	}
	if !province(int(p[0]-'0')*10 + int(p[1]-'0')) {
		return false
	}
	sum := 0
	for i, w := range idWeights {
		sum += int(d[i]-'0') * w
	}
	if "10x98765432"[sum%11] != d[17]|0x20 {
		return false
	}
	return validDate(d[6:14])
}

// province reports whether p is the code of a province-level division
// (GB/T 2260), including 71 Taiwan and 81–83 for residence permits.
func province(p int) bool {
	switch p / 10 {
	case 1:
		return p <= 15
	case 2:
		return p <= 23 && p >= 21
	case 3:
		return p >= 31 && p <= 37
	case 4:
		return p >= 41 && p <= 46
	case 5:
		return p <= 54
	case 6:
		return p >= 61 && p <= 65
	case 7:
		return p == 71
	case 8:
		return p >= 81 && p <= 83
	}
	return false
}

// validDate reports whether d, 8 digits YYYYMMDD, is a date from 1900 to 2100.
func validDate(d []byte) bool {
	y := num(d[:4])
	m := num(d[4:6])
	day := num(d[6:8])
	if y < 1900 || y > 2100 || m < 1 || m > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return day <= days
}

func num(d []byte) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n
}

// validCard reports whether d, 16–19 digits, starts like a payment card
// (ISO/IEC 7812 major industry 3–6 or 9, or Mastercard's 2221–2720 for
// 16 digits) and passes the Luhn check.
func validCard(d []byte) bool {
	switch d[0] {
	case '3', '4', '5', '6', '9':
	case '2':
		if p := num(d[:4]); len(d) != 16 || p < 2221 || p > 2720 {
			return false
		}
	default:
		return false
	}
	return luhn(d)
}

func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
