// Package readmecheck type-checks the Go of a Markdown file, so that the
// README and the docs cannot drift from the API: a renamed method or a
// changed signature fails a test instead of misleading a reader.
//
// A snippet is a ```go block. One that starts with "func" is a whole
// declaration and stays at package level; any other is a fragment of a
// function body, wrapped in its own `func() error` so that it may return
// an error. Its "import" lines are lifted to the file. The caller's prelude
// declares what the snippets take for granted (ctx, client, token…).
// Unused variables and imports are allowed: a snippet may show a result
// without using it.
//
// CheckDoc also checks the inline code spans that name the API
// (`Channels.BanUsers`, `chatadmin.ErrNotFound`, `Blacklist.Add(ctx, req)`,
// test names): see inline.go for what counts as a reference.
//
// Packages are imported from the export data `go list -export` builds,
// which the build cache keeps, rather than type-checked from source.
package readmecheck

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
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
	blocks, _, err := read(path, min)
	if err != nil {
		return err
	}
	return check(filepath.Dir(path), "README", blocks, nil, imports, prelude)
}

// CheckDoc checks the Markdown file at path as CheckFile does, and its
// inline API references too (see Spans and the rules of inlineRefs): a
// `Type.Method`, `pkg.Name` or call in backticks that no longer matches the
// code fails as a snippet does. Test names in backticks must exist in a
// _test.go file of the module.
func CheckDoc(path string, min int, imports []string, prelude string) error {
	blocks, spans, err := read(path, min)
	if err != nil {
		return err
	}
	return check(filepath.Dir(path), filepath.Base(path), blocks, spans, imports, prelude)
}

// read returns the snippets and spans of the Markdown file at path.
func read(path string, min int) ([]Block, []Span, error) {
	md, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	blocks := Blocks(string(md))
	if len(blocks) < min {
		return nil, nil, fmt.Errorf("%s: found %d Go snippets, want at least %d: the extraction is broken", path, len(blocks), min)
	}
	return blocks, Spans(string(md)), nil
}

// Check type-checks blocks as one package in dir (a directory of the
// module whose dependencies the snippets import), with imports (import
// paths, optionally "name path") and prelude (package-level Go
// declarations) added. Its errors name the README line of each problem.
func Check(dir string, blocks []Block, imports []string, prelude string) error {
	return check(dir, "README", blocks, nil, imports, prelude)
}

// check type-checks the snippets and the inline references together:
// the snippets as one file, the references as another with the caller's
// imports, in one package whose prelude both see. doc names the file in
// errors.
func check(dir, doc string, blocks []Block, spans []Span, imports []string, prelude string) error {
	var src strings.Builder
	src.WriteString("package readme\n\nimport (\n")
	lines := map[int]Block{} // first line of each block in src → block
	var bodies strings.Builder
	seen := map[string]bool{}
	var paths []string
	addImport := func(spec string) {
		if !seen[spec] {
			seen[spec] = true
			fmt.Fprintf(&src, "\t%s\n", spec)
			fields := strings.Fields(spec)
			if p, err := strconv.Unquote(fields[len(fields)-1]); err == nil {
				paths = append(paths, p)
			}
		}
	}
	type named struct{ name, path string }
	var callerImports []named
	for _, imp := range imports {
		name, path, ok := strings.Cut(imp, " ")
		if !ok {
			path, name = name, ""
			addImport(fmt.Sprintf("%q", path))
		} else {
			addImport(fmt.Sprintf("%s %q", name, path))
		}
		callerImports = append(callerImports, named{name, path})
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
				msgs = append(msgs, readmeLine(doc, e.Pos.Line, lines)+": "+e.Msg)
			}
			return fmt.Errorf("%s snippets do not parse:\n%s", doc, strings.Join(msgs, "\n"))
		}
		return err
	}
	imp, err := exportImporter(fset, dir, paths)
	if err != nil {
		return err
	}
	files := []*ast.File{f}

	// The inline references, in a file of their own.
	var refs []inlineRef
	var refLines []int // first line of each candidate's function
	var refOf [][2]int // refLines[i] → (ref, candidate)
	var msgs []string
	inlineName := filepath.Join(dir, "readme_inline.go")
	if len(spans) > 0 {
		pkgs := map[string]*types.Package{}
		var isrc strings.Builder
		isrc.WriteString("package readme\n\nimport (\n")
		for _, ci := range callerImports {
			p, err := imp.Import(ci.path)
			if err != nil {
				return fmt.Errorf("importing %s: %w", ci.path, err)
			}
			n := ci.name
			if n == "" {
				n = p.Name()
			}
			pkgs[n] = p
			fmt.Fprintf(&isrc, "\t%s %q\n", n, ci.path)
		}
		isrc.WriteString(")\n\n")
		tests, err := testNames(dir)
		if err != nil {
			return err
		}
		refs = inlineRefs(spans, pkgs, preludeNames(prelude), tests)
		line := strings.Count(isrc.String(), "\n") + 1
		for i, r := range refs {
			if r.err != "" {
				msgs = append(msgs, fmt.Sprintf("%s line %d: `%s`: %s", doc, r.span.Line, r.span.Code, r.err))
			}
			for j, c := range r.cands {
				fmt.Fprintf(&isrc, "func inline%d_%d() {\n%s\n}\n", i, j, c)
				refLines = append(refLines, line)
				refOf = append(refOf, [2]int{i, j})
				line += 3 + strings.Count(c, "\n")
			}
		}
		fi, err := parser.ParseFile(fset, inlineName, isrc.String(), parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("%s: generating the inline checks: %v\n%s", doc, err, isrc.String())
		}
		files = append(files, fi)
	}

	var errs []string
	candErrs := map[[2]int][]string{}
	conf := types.Config{
		Importer: imp,
		Error: func(err error) {
			te := err.(types.Error)
			if ignorable(te.Msg) {
				return
			}
			pos := fset.Position(te.Pos)
			if pos.Filename == inlineName {
				k := sort.SearchInts(refLines, pos.Line+1) - 1
				if k >= 0 {
					candErrs[refOf[k]] = append(candErrs[refOf[k]], te.Msg)
				}
				return
			}
			errs = append(errs, readmeLine(doc, pos.Line, lines)+": "+te.Msg)
		},
	}
	_, _ = conf.Check("readme", fset, files, nil)
	if len(errs) > 0 {
		return fmt.Errorf("%s snippets do not compile:\n%s", doc, strings.Join(errs, "\n"))
	}
	for i, r := range refs {
		if len(r.cands) == 0 {
			continue
		}
		ok := false
		for j := range r.cands {
			if len(candErrs[[2]int{i, j}]) == 0 {
				ok = true
				break
			}
		}
		if !ok {
			msgs = append(msgs, fmt.Sprintf("%s line %d: `%s` does not match the code: %s", doc, r.span.Line, r.span.Code, strings.Join(candErrs[[2]int{i, 0}], "; ")))
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s has stale inline references:\n%s", doc, strings.Join(msgs, "\n"))
	}
	return nil
}

// preludeNames lists the package-level names the prelude declares.
func preludeNames(prelude string) map[string]bool {
	names := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+prelude, parser.SkipObjectResolution)
	if err != nil {
		return names
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			names[d.Name.Name] = true
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				case *ast.TypeSpec:
					names[s.Name.Name] = true
				}
			}
		}
	}
	return names
}

// testNames lists the Test, Benchmark, Fuzz and Example functions of the
// _test.go files of the module that holds dir.
func testNames(dir string) (map[string]bool, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return nil, fmt.Errorf("no go.mod above %s", dir)
		}
		root = parent
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil // not ours to judge here
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				names[fd.Name.Name] = true
			}
		}
		return nil
	})
	return names, err
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// readmeLine turns a line of the generated file into "README line N".
func readmeLine(doc string, line int, starts map[int]Block) string {
	best := 0
	for start := range starts {
		if start <= line && start > best {
			best = start
		}
	}
	if best == 0 {
		return fmt.Sprintf("prelude line %d", line)
	}
	return fmt.Sprintf("%s line %d", doc, starts[best].Line+1+line-best)
}
