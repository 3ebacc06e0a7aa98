// Package readmecheck type-checks the Go snippets of a Markdown file, so
// that the README cannot drift from the API: a renamed method or a changed
// signature fails a test instead of misleading a reader.
//
// A snippet is a ```go block. One that starts with "func" is a whole
// declaration and stays at package level; any other is a fragment of a
// function body, wrapped in its own `func() error` so that it may return
// an error. Its "import" lines are lifted to the file. The caller's prelude
// declares what the snippets take for granted (ctx, client, token…).
// Unused variables and imports are allowed: a snippet may show a result
// without using it.
package readmecheck

import (
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
)

// Block is one ```go block of a Markdown file.
type Block struct {
	Line int    // the line of its opening fence
	Code string // its text
}

// Blocks returns the ```go blocks of markdown, in order.
func Blocks(markdown string) []Block {
	var out []Block
	var cur *Block
	for i, line := range strings.Split(markdown, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```go":
			cur = &Block{Line: i + 1}
		case cur != nil && trimmed == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.Code += line + "\n"
		}
	}
	return out
}

// CheckFile type-checks the Go snippets of the Markdown file at path, as
// Check does in the file's directory; it fails when the file has fewer
// than min snippets, which means that the extraction broke.
func CheckFile(path string, min int, imports []string, prelude string) error {
	md, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	blocks := Blocks(string(md))
	if len(blocks) < min {
		return fmt.Errorf("%s: found %d Go snippets, want at least %d: the extraction is broken", path, len(blocks), min)
	}
	return Check(filepath.Dir(path), blocks, imports, prelude)
}

// Check type-checks blocks as one package in dir (a directory of the
// module whose dependencies the snippets import), with imports (import
// paths, optionally "name path") and prelude (package-level Go
// declarations) added. Its errors name the README line of each problem.
func Check(dir string, blocks []Block, imports []string, prelude string) error {
	var src strings.Builder
	src.WriteString("package readme\n\nimport (\n")
	lines := map[int]Block{} // first line of each block in src → block
	var bodies strings.Builder
	seen := map[string]bool{}
	addImport := func(spec string) {
		if !seen[spec] {
			seen[spec] = true
			fmt.Fprintf(&src, "\t%s\n", spec)
		}
	}
	for _, imp := range imports {
		name, path, ok := strings.Cut(imp, " ")
		if !ok {
			addImport(fmt.Sprintf("%q", name))
		} else {
			addImport(fmt.Sprintf("%s %q", name, path))
		}
	}
	var bodyBlocks []Block
	for _, b := range blocks {
		var kept []string
		for _, l := range strings.Split(b.Code, "\n") {
			if rest, ok := strings.CutPrefix(l, "import "); ok {
				addImport(rest)
				kept = append(kept, "")
				continue
			}
			kept = append(kept, l)
		}
		b.Code = strings.Join(kept, "\n")
		bodyBlocks = append(bodyBlocks, b)
	}
	src.WriteString(")\n\n")
	src.WriteString(prelude)
	src.WriteString("\n")
	line := strings.Count(src.String(), "\n") + 1
	for i, b := range bodyBlocks {
		decl := strings.HasPrefix(strings.TrimSpace(b.Code), "func ")
		if !decl {
			fmt.Fprintf(&bodies, "func snippet%d() error {\n", i)
			line++
		}
		lines[line] = b
		bodies.WriteString(b.Code)
		line += strings.Count(b.Code, "\n")
		if !decl {
			bodies.WriteString("return nil\n}\n")
			line += 2
		}
		bodies.WriteString("\n")
		line++
	}
	src.WriteString(bodies.String())

	fset := token.NewFileSet()
	name := filepath.Join(dir, "readme_snippets.go")
	f, err := parser.ParseFile(fset, name, src.String(), parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) {
			var msgs []string
			for _, e := range list {
				msgs = append(msgs, readmeLine(e.Pos.Line, lines)+": "+e.Msg)
			}
			return fmt.Errorf("README snippets do not parse:\n%s", strings.Join(msgs, "\n"))
		}
		return err
	}
	var errs []string
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "source", nil),
		Error: func(err error) {
			te := err.(types.Error)
			if te.Soft && (strings.Contains(te.Msg, "declared and not used") || strings.Contains(te.Msg, "imported and not used")) {
				return
			}
			errs = append(errs, readmeLine(fset.Position(te.Pos).Line, lines)+": "+te.Msg)
		},
	}
	_, _ = conf.Check("readme", fset, []*ast.File{f}, nil)
	if len(errs) > 0 {
		return fmt.Errorf("README snippets do not compile:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}

// readmeLine turns a line of the generated file into "README line N".
func readmeLine(line int, starts map[int]Block) string {
	best := 0
	for start := range starts {
		if start <= line && start > best {
			best = start
		}
	}
	if best == 0 {
		return fmt.Sprintf("prelude line %d", line)
	}
	return fmt.Sprintf("README line %d", starts[best].Line+1+line-best)
}
