package chatadmintest

import (
	"regexp"
	"strings"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// ruleHandler binds a blacklist/whitelist handler to its list.
func ruleHandler(kind ruleKind, h func(e *Emulator, c *call, kind ruleKind) (*response, error)) handlerFunc {
	return func(e *Emulator, c *call) (*response, error) { return h(e, c, kind) }
}

// maxRegexs is the service's limit of regexs in one blacklist request.
const maxRegexs = 10000

// compileRule builds the matcher of a rule. Matching is case-insensitive.
// A blacklist rule with isMatchExactWord matches only whole words (the
// pattern must not be glued to letters, digits or '_' on either side);
// otherwise the regex matches anywhere, so "bad" also matches "badminton".
// Patterns are Go RE2 syntax, a subset of the JavaScript regexes the real
// service takes (lookarounds and backreferences are rejected with 400001).
func compileRule(regex string, exactWord bool) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(regex); err != nil {
		return nil, err
	}
	if exactWord {
		return regexp.Compile(`(?i)(?:^|[^\p{L}\p{N}_])(?:` + regex + `)(?:$|[^\p{L}\p{N}_])`)
	}
	return regexp.Compile(`(?i)(?:` + regex + `)`)
}

// queryRules: GET /api/v2/{blacklist,whitelist}/records → wrapped
// {"results":[Rule]}; regexs filters by exact regex text.
func (e *Emulator) queryRules(c *call, kind ruleKind) (*response, error) {
	v := &validator{}
	filter, _ := v.strArray(c.query, "regexs", arrRule{})
	if err := v.err(); err != nil {
		return nil, err
	}
	results := []ruleView{}
	for _, r := range e.st.rules[kind] {
		if len(filter) == 0 || hasAny([]string{r.regex}, filter) {
			results = append(results, r.view(kind))
		}
	}
	return wrapped(map[string]any{"results": results}), nil
}

// addRules: POST /api/v2/{blacklist,whitelist}/records → "OK". One rule per
// regex; if any regex does not compile, 400/400001 lists them and nothing is
// added.
func (e *Emulator) addRules(c *call, kind ruleKind) (*response, error) {
	v := &validator{}
	regexs, _ := v.strArray(c.body, "regexs", arrRule{required: true, min: 1, max: maxRegexs, nonEmpty: true})
	exact := false
	if kind == blacklist {
		exact, _ = v.boolean(c.body, "isMatchExactWord", false)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	compiled := make([]*regexp.Regexp, len(regexs))
	var bad []string
	for i, rx := range regexs {
		re, err := compileRule(rx, exact)
		if err != nil {
			bad = append(bad, rx)
		}
		compiled[i] = re
	}
	if bad != nil {
		err := errCode(apicode.InvalidRegex, "Invalid regular expression.")
		err.detail = bad
		return nil, err
	}
	for i, rx := range regexs {
		e.st.rules[kind] = append(e.st.rules[kind], &rule{id: e.st.newID(), regex: rx, exactWord: exact,
			enabled: true, re: compiled[i], created: c.now, updated: c.now})
	}
	return okText(), nil
}

// deleteRules: DELETE /api/v2/{blacklist,whitelist}/records (form ruleIds[])
// → "OK". Unknown ids are ignored, so a retried delete still succeeds (a
// guess).
func (e *Emulator) deleteRules(c *call, kind ruleKind) (*response, error) {
	v := &validator{}
	ids, _ := v.strArray(c.body, "ruleIds", arrRule{required: true, min: 1})
	if err := v.err(); err != nil {
		return nil, err
	}
	kept := e.st.rules[kind][:0]
	for _, r := range e.st.rules[kind] {
		if !hasAny([]string{r.id}, ids) {
			kept = append(kept, r)
		}
	}
	e.st.rules[kind] = kept
	return okText(), nil
}

// updateRule: PUT /api/v2/{blacklist,whitelist}/records/:ruleId → wrapped
// Rule. The path names the rule by ruleId or, as the spec's "Word to be
// updated" suggests, by its regex text. The body's ruleId ("Word to be
// updated to") is the new regex text and required (the spec does not mark
// it optional); isMatchExactWord (blacklist) and isEnabled change only when
// given.
func (e *Emulator) updateRule(c *call, kind ruleKind) (*response, error) {
	v := &validator{}
	newRegex, _ := v.str(c.body, "ruleId", strRule{required: true, nonEmpty: true})
	exact, hasExact := false, false
	if kind == blacklist {
		exact, hasExact = v.boolean(c.body, "isMatchExactWord", false)
	}
	enabled, hasEnabled := v.boolean(c.body, "isEnabled", false)
	if err := v.err(); err != nil {
		return nil, err
	}
	var r *rule
	for _, cand := range e.st.rules[kind] {
		if cand.id == c.path["ruleId"] {
			r = cand
			break
		}
	}
	for _, cand := range e.st.rules[kind] {
		if r == nil && cand.regex == c.path["ruleId"] {
			r = cand
		}
	}
	if r == nil {
		return nil, errNotFound("Rule")
	}
	rx, ex := newRegex, r.exactWord
	if hasExact {
		ex = exact
	}
	re, err := compileRule(rx, ex)
	if err != nil {
		ae := errCode(apicode.InvalidRegex, "Invalid regular expression.")
		ae.detail = []string{rx}
		return nil, ae
	}
	r.regex, r.exactWord, r.re, r.updated = rx, ex, re, c.now
	if hasEnabled {
		r.enabled = enabled
	}
	return wrapped(r.view(kind)), nil
}

// linkPattern finds links the way the whitelist check sees them:
// http(s)://host… or www.host….
var linkPattern = regexp.MustCompile(`(?i)\bhttps?://([^\s/?#<>"']+)|\b(www\.[^\s/?#<>"':]+)`)

// linkHosts returns the lower-cased hosts of the links in text.
func linkHosts(text string) []string {
	var hosts []string
	for _, m := range linkPattern.FindAllStringSubmatch(text, -1) {
		h := m[1] + m[2]
		if i := strings.LastIndex(h, "@"); i >= 0 {
			h = h[i+1:]
		}
		if i := strings.LastIndex(h, ":"); i >= 0 && !strings.Contains(h, "]") {
			h = h[:i]
		}
		h = strings.TrimRight(h, ".,;:!)]}")
		if h != "" {
			hosts = append(hosts, strings.ToLower(h))
		}
	}
	return hosts
}

// checkText applies the moderation rules to a new text message: an enabled
// blacklist rule that matches gives 400308; when any enabled whitelist rule
// exists, a link whose host no enabled whitelist regex matches gives 400309.
func (e *Emulator) checkText(text string) error {
	for _, r := range e.st.rules[blacklist] {
		if r.enabled && r.re.MatchString(text) {
			return errCode(apicode.BlacklistedWord, "Data contain blacklist word.")
		}
	}
	var allow []*rule
	for _, r := range e.st.rules[whitelist] {
		if r.enabled {
			allow = append(allow, r)
		}
	}
	if len(allow) == 0 {
		return nil
	}
	for _, h := range linkHosts(text) {
		ok := false
		for _, r := range allow {
			if r.re.MatchString(h) {
				ok = true
				break
			}
		}
		if !ok {
			return errCode(apicode.LinkNotAllowed, "Data contain link that is not in whitelist.")
		}
	}
	return nil
}
