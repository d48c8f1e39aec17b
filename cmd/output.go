package cmd

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutputs refuses, before anything is probed, an --output or --save
// path that cannot be written: a folder, or a file in a folder that does
// not exist.
func (a *app) checkOutputs() error {
	for _, f := range []struct{ flag, path string }{{"output", a.global.Output}, {"save", a.global.Save}} {
		if f.path == "" {
			continue
		}
		if st, err := os.Stat(f.path); err == nil && st.IsDir() {
			return usagef("--%s %s: is a folder; name a file", f.flag, f.path)
		}
		dir := filepath.Dir(f.path)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usagef("--%s %s: the folder %s does not exist", f.flag, f.path, dir)
		}
	}
	return nil
}

// emit writes what render produces to --output, or to stdout.
func (a *app) emit(render func(io.Writer) error) error {
	if a.global.Output == "" {
		return render(a.env.Stdout)
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	return writeFileAtomic("--output", a.global.Output, buf.Bytes())
}

// writeFileAtomic writes data (UTF-8, no BOM, whatever the console's code
// page) to a temporary file beside path and renames it over path, so a
// reader — node_exporter's textfile collector, a support script — never
// sees half a report.
func writeFileAtomic(flag, path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return usagef("%s %s: %s", flag, path, plainWriteError(err))
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return usagef("%s %s: %s", flag, path, plainWriteError(err))
	}
	return nil
}

func plainWriteError(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		return "the folder does not exist"
	}
	return err.Error()
}
