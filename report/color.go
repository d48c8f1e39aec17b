package report

import (
	"io"
	"os"

	"github.com/fatih/color"
	"github.com/mattn/go-colorable"
)

// Values of --color.
const (
	ColorAuto   = "auto"
	ColorAlways = "always"
	ColorNever  = "never"
)

// UseColor decides whether the text report is coloured: --color always or
// never wins; auto colours only a terminal, and not when NO_COLOR is set
// (to anything) or TERM is dumb. JSON, Markdown and JUnit never carry
// colour, whatever this says.
func UseColor(mode string, terminal bool, getenv func(string) string) bool {
	switch mode {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	return terminal && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// Text styles. Each is switched on explicitly: UseColor has decided, so
// fatih/color's own guess (from the process's stdout and NO_COLOR) must
// not overrule --color always or a renderer writing elsewhere.
var (
	styleBold   = style(color.Bold)
	styleDim    = style(color.Faint)
	styleRed    = style(color.FgRed)
	styleGreen  = style(color.FgGreen)
	styleYellow = style(color.FgYellow)
)

func style(a color.Attribute) *color.Color {
	c := color.New(a)
	c.EnableColor()
	return c
}

// colorWriter is where coloured text goes: a console on Windows gets
// virtual-terminal processing switched on, or a translator of the escape
// sequences into console calls on consoles too old for it (cmd.exe and
// PowerShell 5.1 would otherwise print "←[31m"); anything else, and every
// file on other systems, is w itself.
func colorWriter(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		return colorable.NewColorable(f)
	}
	return w
}
