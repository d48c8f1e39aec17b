package proxy

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/okviz/okviz-check/"

// layer orders the proxy packages: a package may import only packages of a
// lower layer. The sub-packages never import this package or each other,
// only the leaves.
var layer = map[string]int{
	"proxy/internal/lists": 0,
	"proxy/discover":       1,
	"proxy/pac":            1,
	"proxy/tunnel":         1,
	"proxy":                2,
}

// imports lists the module packages the Go files (tests included) of each
// directory under root import, keyed by the directory relative to the
// module ("proxy/pac").
func imports(t *testing.T, root string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join("..", root), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel("..", filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, module); ok {
				if out[dir] == nil {
					out[dir] = map[string]string{}
				}
				out[dir][rest] = filepath.Base(path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLayers(t *testing.T) {
	for dir, imps := range imports(t, "proxy") {
		from, ok := layer[dir]
		if !ok {
			t.Errorf("%s: a package without a layer; add it to the table", dir)
			continue
		}
		for imp, file := range imps {
			to, ok := layer[imp]
			if !ok {
				continue // diag, internal/netclass: outside the proxy tree
			}
			if to >= from {
				t.Errorf("%s/%s imports %s: the proxy packages import one way (proxy → discover, pac, tunnel → internal/lists; internal/redact from anywhere)", dir, file, imp)
			}
		}
	}
	for dir, imps := range imports(t, "diag") {
		for imp, file := range imps {
			if imp == "proxy" || strings.HasPrefix(imp, "proxy/") {
				t.Errorf("%s/%s imports %s: diag must not know about proxies", dir, file, imp)
			}
		}
	}
}
