package pac

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFindProxy evaluates the corporate fixture: one fresh runtime,
// the hardened built-ins, the script's global code and one call.
func BenchmarkFindProxy(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pac", "corp.pac"))
	if err != nil {
		b.Fatal(err)
	}
	p, err := ParsePAC(src)
	if err != nil {
		b.Fatal(err)
	}
	env, _ := pacTestEnv()
	ctx := context.Background()
	for b.Loop() {
		if _, err := p.FindProxy(ctx, "https://api.okviz.com/", env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePAC(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pac", "corp.pac"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ParsePAC(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseResult(b *testing.B) {
	for b.Loop() {
		if _, err := ParseResult("PROXY proxy.corp.example:8080; PROXY [fd00:198:18::1]:3128; SOCKS5 s; DIRECT"); err != nil {
			b.Fatal(err)
		}
	}
}
