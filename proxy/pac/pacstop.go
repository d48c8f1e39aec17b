package pac

import (
	"math"
	"reflect"

	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/file"
)

// Where the watchdog stopped a script.
//
// goja reports an interrupted script at the source position of the last
// instruction that has one. A loop with a constant condition and an empty
// body — while (true) {}, for (;;);, do {} while (1) — compiles to a bare
// jump with no position of its own, so the position reported is that of
// whatever came before it: the previous statement, or the start of the
// enclosing function (line 1, column 1 for a script that begins with
// FindProxyForURL). The script's syntax tree says where such loops are, and
// stopPosition moves the reported position to the loop that was running.

// pacPos is a position in the script, 1-based.
type pacPos struct{ line, column int }

func (p pacPos) before(q pacPos) bool {
	return p.line < q.line || p.line == q.line && p.column < q.column
}

// pacSpan is the source range of a loop or a function.
type pacSpan struct {
	start, end pacPos
	silent     bool // a loop that compiles to code without positions
}

func (s pacSpan) contains(p pacPos) bool { return !p.before(s.start) && p.before(s.end) }

// pacShape is what stopPosition needs from the syntax tree.
type pacShape struct {
	loops, funcs []pacSpan
}

// shapeOf walks the syntax tree for loops and functions. It walks by
// reflection because goja's ast package has no visitor, and loops hide in
// every kind of node (function expressions inside calls, object literals…);
// only the ast package's own types are followed.
func shapeOf(prog *ast.Program) pacShape {
	var sh pacShape
	if prog == nil || prog.File == nil {
		return sh
	}
	pos := func(idx file.Idx) pacPos {
		p := prog.File.Position(int(idx) - prog.File.Base())
		return pacPos{p.Line, p.Column}
	}
	span := func(n ast.Node) pacSpan { return pacSpan{start: pos(n.Idx0()), end: pos(n.Idx1())} }
	astPkg := reflect.TypeFor[ast.Program]().PkgPath()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
			return
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
			return
		case reflect.Pointer:
			if v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Elem().Type().PkgPath() != astPkg {
				return
			}
			switch n := v.Interface().(type) {
			case *ast.WhileStatement:
				s := span(n)
				s.silent = constantTrue(n.Test) && silentBody(n.Body)
				sh.loops = append(sh.loops, s)
			case *ast.DoWhileStatement:
				s := span(n)
				s.silent = constantTrue(n.Test) && silentBody(n.Body)
				sh.loops = append(sh.loops, s)
			case *ast.ForStatement:
				s := span(n)
				s.silent = (n.Test == nil || constantTrue(n.Test)) && n.Update == nil && silentBody(n.Body)
				sh.loops = append(sh.loops, s)
			case *ast.ForInStatement, *ast.ForOfStatement:
				sh.loops = append(sh.loops, span(n.(ast.Node)))
			case *ast.FunctionLiteral, *ast.ArrowFunctionLiteral:
				sh.funcs = append(sh.funcs, span(n.(ast.Node)))
			}
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct && v.Type().PkgPath() == astPkg {
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	for _, st := range prog.Body {
		walk(reflect.ValueOf(st))
	}
	return sh
}

// constantTrue is a loop condition the compiler folds away: a truthy literal.
func constantTrue(e ast.Expression) bool {
	switch t := e.(type) {
	case *ast.BooleanLiteral:
		return t.Value
	case *ast.NumberLiteral:
		switch n := t.Value.(type) {
		case int64:
			return n != 0
		case float64:
			return n != 0 && !math.IsNaN(n)
		}
	case *ast.StringLiteral:
		return t.Value != ""
	}
	return false
}

// silentBody is a loop body that compiles to no positioned instruction.
func silentBody(s ast.Statement) bool {
	switch t := s.(type) {
	case *ast.EmptyStatement:
		return true
	case *ast.BlockStatement:
		for _, in := range t.List {
			if !silentBody(in) {
				return false
			}
		}
		return true
	}
	return false
}

// stopPosition is where a script interrupted at the engine's position at
// was running: the first silent loop after at in the same function, unless
// at is inside a loop that ends before that one (then either loop may be
// the one that ran, and at stands, as it does when no silent loop follows).
func (sh pacShape) stopPosition(at pacPos) pacPos {
	fn := sh.innermostFunc(at)
	var next *pacSpan
	for i, s := range sh.loops {
		if s.silent && at.before(s.start) && sh.innermostFunc(s.start) == fn &&
			(next == nil || s.start.before(next.start)) {
			next = &sh.loops[i]
		}
	}
	if next == nil {
		return at
	}
	for _, l := range sh.loops {
		if l.contains(at) && !l.contains(next.start) {
			return at // at may be inside the loop that runs
		}
	}
	return next.start
}

// innermostFunc is the index of the innermost function holding p, -1 for
// the script's top level.
func (sh pacShape) innermostFunc(p pacPos) int {
	best := -1
	for i, f := range sh.funcs {
		if f.contains(p) && (best < 0 || sh.funcs[best].start.before(f.start)) {
			best = i
		}
	}
	return best
}
