package squidlab

import (
	"crypto/md5"
	"fmt"
	"sort"
	"strings"
)

// crypt64 is the alphabet of crypt(3) hashes.
const crypt64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// md5Crypt hashes password with the MD5-based crypt of FreeBSD ("$1$"),
// which squid's basic_ncsa_auth (and glibc's crypt) accept. It is weak and
// only fit for a throw-away test account, which is all it is used for here;
// it needs no external htpasswd tool.
func md5Crypt(password, salt string) string {
	const magic = "$1$"
	if len(salt) > 8 {
		salt = salt[:8]
	}
	pw := []byte(password)
	alt := md5.Sum([]byte(password + salt + password))
	h := md5.New()
	h.Write([]byte(password + magic + salt))
	for n := len(pw); n > 0; n -= 16 {
		h.Write(alt[:min(n, 16)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 == 1 {
			h.Write([]byte{0})
		} else {
			h.Write(pw[:1])
		}
	}
	sum := h.Sum(nil)
	for i := range 1000 {
		r := md5.New()
		if i&1 == 1 {
			r.Write(pw)
		} else {
			r.Write(sum)
		}
		if i%3 != 0 {
			r.Write([]byte(salt))
		}
		if i%7 != 0 {
			r.Write(pw)
		}
		if i&1 == 1 {
			r.Write(sum)
		} else {
			r.Write(pw)
		}
		sum = r.Sum(nil)
	}
	var out strings.Builder
	out.WriteString(magic + salt + "$")
	enc := func(v uint32, n int) {
		for ; n > 0; n-- {
			out.WriteByte(crypt64[v&0x3f])
			v >>= 6
		}
	}
	for _, g := range [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		enc(uint32(sum[g[0]])<<16|uint32(sum[g[1]])<<8|uint32(sum[g[2]]), 4)
	}
	enc(uint32(sum[11]), 2)
	return out.String()
}

// htpasswd renders an htpasswd file for users, sorted by name, with a fixed
// salt per line so that the file is reproducible.
func htpasswd(users map[string]string) (string, error) {
	names := make([]string, 0, len(users))
	for u := range users {
		if u == "" || strings.ContainsAny(u, ":\n\r") {
			return "", fmt.Errorf("squidlab: unusable user name %q", u)
		}
		names = append(names, u)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, u := range names {
		fmt.Fprintf(&b, "%s:%s\n", u, md5Crypt(users[u], fmt.Sprintf("lab%05d", i)))
	}
	return b.String(), nil
}
