package readmecheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"regexp"
	"strings"
	"unicode"
)

// An inline reference is a code span that names the API: a selector or a
// call whose first name is an imported package (`chatadmin.ErrNotFound`,
// `http.Client.Timeout`), a prelude variable (`client.Channels`), a name
// of an imported package used bare (`NewClient(token)`, `MatchExactWord`),
// a type (`APIError.RetryAfter`), or a field or method of one
// (`Channels.BanUsers`, `Blacklist.Add(ctx, req)`, `Stats()`); or a test
// (`TestSecretsNeverLeak`), which must exist in a _test.go file. Each is
// turned into Go statements, one per way of reading it, and type-checked
// against the packages; it passes when one reading compiles. Arguments are
// checked too: `Blacklist.Add(ctx, []string{"x"}, MatchExactWord)` fails
// once Add takes a request struct. Lower-case names that nothing declares
// are placeholders (`ctx`, `r`, `size`) and are not errors.
//
// Spans that are not Go expressions (shell commands, wire text such as
// `tags[]=a`, `%v`), ALL_CAPS names (environment variables) and single
// capitalised words (`Authorization`, `Limiter`, or `Verb(ctx, ids...)`
// when no package has such a name) are left alone; a bare name is checked
// when it has two capitals or more (`WithRetryBudget`).

// inlineRef is one span with the statements it may mean.
type inlineRef struct {
	span  Span
	cands []string
	err   string // an error found without type-checking
}

// genericArg fills in the type parameters a text writes with letters.
var genericArg = regexp.MustCompile(`\[(T|K|V)(, ?(T|K|V|error))*\]`)

// inlineRefs reads the spans as references to pkgs (by package name) and
// the prelude's names; spans that are not references are dropped.
func inlineRefs(spans []Span, pkgs map[string]*types.Package, prelude map[string]bool, tests map[string]bool) []inlineRef {
	var out []inlineRef
	for _, s := range spans {
		r := inlineRef{span: s}
		code := strings.ReplaceAll(s.Code, "…", "")
		code = genericArg.ReplaceAllStringFunc(code, func(m string) string {
			return "[" + strings.TrimSuffix(strings.Repeat("any, ", strings.Count(m, ",")+1), ", ") + "]"
		})
		star := strings.HasPrefix(code, "*")
		code = strings.TrimPrefix(code, "*")
		expr, err := parser.ParseExpr(code)
		if err != nil {
			continue
		}
		chain := rootChain(expr)
		if chain == nil {
			continue
		}
		root := chain[0].(*ast.Ident)
		name := root.Name
		off := func(p token.Pos) int { return int(p) - 1 }
		// replace gives code with the text of node n replaced.
		replace := func(n ast.Node, with string) string {
			return code[:off(n.Pos())] + with + code[off(n.End()):]
		}
		// typed builds the statements for a type found at chain[i]:
		// the type alone, a field or method of it, or a conversion.
		typed := func(i int, tn *types.TypeName, text string) []string {
			node := chain[i]
			if i+1 < len(chain) {
				if ix, ok := chain[i+1].(*ast.IndexExpr); ok && ix.X == node {
					node = ix
					text += code[off(ix.Lbrack):off(ix.End())]
					i++
				} else if ix, ok := chain[i+1].(*ast.IndexListExpr); ok && ix.X == node {
					node = ix
					text += code[off(ix.Lbrack):off(ix.End())]
					i++
				}
			}
			_, isIface := tn.Type().Underlying().(*types.Interface)
			switch {
			case i == len(chain)-1 && node == expr:
				if isIface {
					return []string{"var _ " + text}
				}
				return []string{"var _ *" + text}
			case i+1 < len(chain):
				if _, ok := chain[i+1].(*ast.SelectorExpr); ok {
					value := "(*" + text + ")(nil)"
					if isIface {
						value = text + "(nil)"
					}
					return []string{stmt(replace(node, value), expr)}
				}
			}
			return []string{stmt(replace(node, text), expr)}
		}
		exported := token.IsExported(name) && !allCaps(name)
		switch {
		case pkgs[name] != nil && len(chain) > 1:
			sel, ok := chain[1].(*ast.SelectorExpr)
			if !ok || !sel.Sel.IsExported() {
				continue // `chatadmin.client.attempts` is a metric's name
			}
			if tn, ok := pkgs[name].Scope().Lookup(sel.Sel.Name).(*types.TypeName); ok {
				r.cands = typed(1, tn, code[off(sel.Pos()):off(sel.End())])
			} else {
				r.cands = []string{stmt(code, expr)}
			}
		case prelude[name]:
			if len(chain) == 1 {
				continue
			}
			r.cands = []string{stmt(code, expr)}
		case exported && isTestName(name):
			if len(chain) > 1 {
				continue
			}
			if !tests[name] {
				r.err = fmt.Sprintf("no test function %s in the module's _test.go files", name)
			}
		case exported:
			if len(chain) == 1 && !camel(name) {
				continue
			}
			for _, pn := range sortedKeys(pkgs) {
				p := pkgs[pn]
				if isStd(p.Path()) {
					continue
				}
				switch obj := p.Scope().Lookup(name).(type) {
				case nil:
				case *types.TypeName:
					r.cands = append(r.cands, typed(0, obj, pn+"."+name)...)
				default:
					r.cands = append(r.cands, stmt(replace(root, pn+"."+name), expr))
				}
				for _, tn := range typesWith(p, name) {
					value := "(*" + pn + "." + tn.Name() + typeArgs(tn) + ")(nil)"
					if _, ok := tn.Type().Underlying().(*types.Interface); ok {
						value = pn + "." + tn.Name() + "(nil)"
					}
					r.cands = append(r.cands, stmt(replace(root, value+"."+name), expr))
				}
			}
			if len(r.cands) == 0 && !camel(name) {
				continue // a capitalised word, not a name: `Verb(ctx, ids...)`
			}
			if len(r.cands) == 0 {
				r.err = fmt.Sprintf("%s is not a name, field or method of %s", name, strings.Join(sortedKeys(pkgs), ", "))
			}
		default:
			continue
		}
		if star {
			// `*chatadmin.APIError`: a pointer to a type.
			for i, c := range r.cands {
				r.cands[i] = strings.Replace(c, "var _ **", "var _ *", 1)
			}
		}
		out = append(out, r)
	}
	return out
}

// stmt makes a statement of an expression: a call stands alone, any
// other value is assigned to _.
func stmt(code string, expr ast.Expr) string {
	if _, ok := expr.(*ast.CallExpr); ok {
		return code
	}
	return "_ = " + code
}

// rootChain returns the nodes from the expression's first name out to the
// expression itself (`a.B(c).D`: a, a.B, a.B(c), a.B(c).D), or nil when
// it does not start with a name.
func rootChain(e ast.Expr) []ast.Node {
	var chain []ast.Node
	for {
		chain = append(chain, e)
		switch x := e.(type) {
		case *ast.Ident:
			for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
				chain[i], chain[j] = chain[j], chain[i]
			}
			return chain
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// typesWith lists the exported named types of p that have a field or
// method called name.
func typesWith(p *types.Package, name string) []*types.TypeName {
	var out []*types.TypeName
	for _, n := range p.Scope().Names() {
		tn, ok := p.Scope().Lookup(n).(*types.TypeName)
		if !ok || !tn.Exported() {
			continue
		}
		var t types.Type = tn.Type()
		if _, ok := t.Underlying().(*types.Interface); !ok {
			t = types.NewPointer(t)
		}
		if obj, _, _ := types.LookupFieldOrMethod(t, true, p, name); obj != nil {
			out = append(out, tn)
		}
	}
	return out
}

// typeArgs instantiates a generic type with any.
func typeArgs(tn *types.TypeName) string {
	named, ok := tn.Type().(*types.Named)
	if !ok || named.TypeParams().Len() == 0 {
		return ""
	}
	return "[" + strings.TrimSuffix(strings.Repeat("any, ", named.TypeParams().Len()), ", ") + "]"
}

func isTestName(name string) bool {
	for _, p := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if rest, ok := strings.CutPrefix(name, p); ok && (rest == "" || !unicode.IsLower(rune(rest[0]))) {
			return true
		}
	}
	return false
}

// allCaps reports names such as HTTP_PROXY or OK.
func allCaps(name string) bool { return strings.ToUpper(name) == name }

// camel reports names with two capitals or more, such as WithRetryBudget.
func camel(name string) bool {
	n := 0
	for _, r := range name {
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n >= 2
}

func isStd(path string) bool { return !strings.Contains(strings.Split(path, "/")[0], ".") }

// ignorable reports errors that say nothing about the API: placeholders
// (lower-case names nothing declares), unused results and generic names
// used without type arguments.
func ignorable(msg string) bool {
	if name, ok := strings.CutPrefix(msg, "undefined: "); ok && !strings.Contains(name, ".") && name != "" && unicode.IsLower(rune(name[0])) {
		return true
	}
	for _, s := range []string{"is not used", "declared and not used", "imported and not used", "without instantiation"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
