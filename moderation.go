package chatadmin

import (
	"context"
	"net/http"
	"slices"

	"github.com/chatadmin/chatadmin-go/internal/form"
)

// ruleKind tells the blacklist and whitelist apart: they share all code and
// differ only in their path and the blacklist's exact-word flag.
type ruleKind struct {
	route     string
	exactWord bool
	op        ruleOps
}

// ruleOps are the Observer's names of the four rule calls of one list.
type ruleOps struct{ list, add, delete, update string }

var (
	blacklistRules = ruleKind{route: "/api/v2/blacklist/records", exactWord: true,
		op: ruleOps{"Blacklist.List", "Blacklist.Add", "Blacklist.Delete", "Blacklist.Update"}}
	whitelistRules = ruleKind{route: "/api/v2/whitelist/records",
		op: ruleOps{"Whitelist.List", "Whitelist.Add", "Whitelist.Delete", "Whitelist.Update"}}
)

type rulesService struct {
	service
	kind ruleKind
}

// BlacklistService manages blacklisted words: messages whose text matches
// an enabled rule are refused with CodeBlacklistedWord.
type BlacklistService struct{ rulesService }

// WhitelistService manages whitelisted link hosts: messages linking
// elsewhere are refused with CodeLinkNotWhitelisted.
type WhitelistService struct{ rulesService }

// Rule is a blacklist or whitelist record. Requests send patterns as
// "regexs"; each rule holds one, as Regex.
type Rule struct {
	RuleID string `json:"ruleId"`
	Regex  string `json:"regex"`
	// IsMatchExactWord makes a blacklist rule match whole words only; it is
	// always false on whitelist rules.
	IsMatchExactWord bool      `json:"isMatchExactWord"`
	IsEnabled        bool      `json:"isEnabled"`
	IsDeleted        bool      `json:"isDeleted"`
	CreatedAt        Timestamp `json:"createdAt"`
	UpdatedAt        Timestamp `json:"updatedAt"`
}

// RuleListOptions selects the rules of a blacklist or whitelist query. The
// zero value lists every rule.
type RuleListOptions struct {
	Regexs []string // only the rules with exactly these patterns
}

type ruleQuery struct {
	Regexs []string `url:"regexs,brackets,omitempty"`
}

type ruleListResponse struct {
	Results []Rule `json:"results"`
}

// ruleAddForm is the body of an add. IsMatchExactWord is a pointer so that
// the blacklist sends false explicitly and the whitelist sends nothing.
type ruleAddForm struct {
	Regexs           []string `url:"regexs,brackets"`
	IsMatchExactWord *bool    `url:"isMatchExactWord,omitempty"`
}

type ruleIDsForm struct {
	RuleIDs []string `url:"ruleIds,brackets"`
}

// ruleUpdateForm is the body of an update. The spec names the new pattern
// "ruleId" ("Word to be updated to" / "Url to be updated to"), so that is
// what carries Regex on the wire; it is required. IsMatchExactWord is nil
// for the whitelist, which has no such flag.
type ruleUpdateForm struct {
	Regex            string `url:"ruleId"`
	IsMatchExactWord *bool  `url:"isMatchExactWord,omitempty"`
}

// list sends a filter of up to form.MaxQueryArray patterns in one request; a
// longer one in several, whose results it merges.
func (s *rulesService) list(ctx context.Context, opts *RuleListOptions, reqOpts []RequestOption) ([]Rule, error) {
	var regexs []string
	if opts != nil && len(opts.Regexs) > 0 {
		if err := checkIDs("Regexs", "regexs", opts.Regexs, MaxRegexs); err != nil {
			return nil, err
		}
		regexs = opts.Regexs
	}
	if len(regexs) <= form.MaxQueryArray {
		return s.listOnce(ctx, regexs, reqOpts)
	}
	var out []Rule
	seen := make(map[string]bool)
	for chunk := range slices.Chunk(uniqueStrings(regexs), form.MaxQueryArray) {
		rules, err := s.listOnce(ctx, chunk, reqOpts)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			if r.RuleID != "" && seen[r.RuleID] {
				continue
			}
			seen[r.RuleID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *rulesService) listOnce(ctx context.Context, regexs []string, reqOpts []RequestOption) ([]Rule, error) {
	out, err := callFor[ruleListResponse](ctx, s.client, &endpoint{op: s.kind.op.list, method: http.MethodGet, route: s.kind.route, query: &ruleQuery{Regexs: regexs}, class: safe}, reqOpts)
	if err != nil {
		return nil, err
	}
	return out.Results, nil
}

// uniqueStrings returns ss without repeats, in first-seen order.
func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// add is not retried once sent: a repeat would add every pattern twice.
func (s *rulesService) add(ctx context.Context, regexs []string, exactWord bool, reqOpts []RequestOption) error {
	if err := checkIDs("Regexs", "regexs", regexs, MaxRegexs); err != nil {
		return err
	}
	form := ruleAddForm{Regexs: regexs}
	if s.kind.exactWord {
		form.IsMatchExactWord = &exactWord
	}
	ep := endpoint{op: s.kind.op.add, method: http.MethodPost, route: s.kind.route, body: formBody{&form}, class: unsafe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}

func (s *rulesService) delete(ctx context.Context, ruleIDs []string, reqOpts []RequestOption) error {
	if err := checkIDs("ruleIDs", "ruleIds", ruleIDs, 0); err != nil {
		return err
	}
	ep := endpoint{op: s.kind.op.delete, method: http.MethodDelete, route: s.kind.route, body: formBody{&ruleIDsForm{ruleIDs}}, class: safe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}

func (s *rulesService) update(ctx context.Context, ruleID string, form *ruleUpdateForm, reqOpts []RequestOption) (*Rule, error) {
	if err := checkRequired("ruleID", "ruleId", ruleID); err != nil {
		return nil, err
	}
	if form.Regex == "" {
		// The spec lists the body's ruleId ("Word to be updated to") as
		// required, and the server answers 400 without it.
		return nil, invalid("Regex", "ruleId", "is required")
	}
	return callFor[Rule](ctx, s.client, &endpoint{op: s.kind.op.update, method: http.MethodPut, route: s.kind.route + "/:ruleId", params: []string{ruleID},
		body: formBody{form}, class: safe}, reqOpts)
}

// List returns the blacklist's rules. The list is not paginated.
//
// The server's query parser reads at most 20 values in one array, so a
// filter of more than 20 patterns is sent as several requests of at most 20
// each; their results are merged, each rule once, in the order they arrive,
// and reqOpts apply to every request.
//
// API: GET /api/v2/blacklist/records (query)
func (s *BlacklistService) List(ctx context.Context, opts *RuleListOptions, reqOpts ...RequestOption) ([]Rule, error) {
	return s.list(ctx, opts, reqOpts)
}

// WordMatch says how a blacklist rule matches text.
type WordMatch bool

// How blacklist rules match: anywhere in the text, or only whole words.
const (
	MatchAnywhere  WordMatch = false // "bad" matches "badminton"
	MatchExactWord WordMatch = true  // "bad" matches "so bad!" but not "badminton"
)

// BlacklistAddRequest holds the patterns of new blacklist rules.
type BlacklistAddRequest struct {
	Regexs []string  // one rule per pattern, at least one, at most MaxRegexs
	Match  WordMatch // how every new rule matches (MatchAnywhere by default)
}

// Add blacklists words: one rule per pattern in req.Regexs, matching as
// req.Match says. It is not retried once sent: if the connection fails after
// sending, the error wraps ErrOutcomeUnknown. The answer holds no rule ids:
// List by pattern shows what was added.
//
// API: POST /api/v2/blacklist/records (form)
func (s *BlacklistService) Add(ctx context.Context, req *BlacklistAddRequest, reqOpts ...RequestOption) error {
	if req == nil {
		req = &BlacklistAddRequest{}
	}
	return s.add(ctx, req.Regexs, bool(req.Match), reqOpts)
}

// Delete removes blacklist rules by id.
//
// API: DELETE /api/v2/blacklist/records (form)
func (s *BlacklistService) Delete(ctx context.Context, ruleIDs []string, reqOpts ...RequestOption) error {
	return s.delete(ctx, ruleIDs, reqOpts)
}

// BlacklistUpdateRequest is the new state of a blacklist rule.
type BlacklistUpdateRequest struct {
	// Regex is the rule's new pattern, required even to change only Match
	// (then give the current pattern): the spec sends it in a body field
	// named "ruleId" ("Word to be updated to") that it does not mark
	// optional, and the server answers 400 without it.
	Regex string
	// Match is the rule's new exact-word setting. It is always sent,
	// MatchAnywhere included: the spec gives the field a default of false,
	// so a server may reset the flag when an update omits it.
	Match WordMatch
}

// Update sets a blacklist rule's pattern and exact-word setting and returns
// the rule. A nil request is refused ("nothing to update"), and so is an
// empty Regex, before anything is sent. ruleID names the rule in the path;
// the spec's description of that segment ("Word to be updated") suggests
// the current word may also name it, but the SDK and the provider's docs
// use the rule id.
//
// API: PUT /api/v2/blacklist/records/:ruleId (form)
func (s *BlacklistService) Update(ctx context.Context, ruleID string, req *BlacklistUpdateRequest, reqOpts ...RequestOption) (*Rule, error) {
	if req == nil {
		return nil, errNothingToUpdate()
	}
	exact := bool(req.Match)
	return s.update(ctx, ruleID, &ruleUpdateForm{Regex: req.Regex, IsMatchExactWord: &exact}, reqOpts)
}

// List returns the whitelist's rules. The list is not paginated. A filter
// of more than 20 patterns is sent in several requests, as for
// BlacklistService.List.
//
// API: GET /api/v2/whitelist/records (query)
func (s *WhitelistService) List(ctx context.Context, opts *RuleListOptions, reqOpts ...RequestOption) ([]Rule, error) {
	return s.list(ctx, opts, reqOpts)
}

// WhitelistAddRequest holds the patterns of new whitelist rules.
type WhitelistAddRequest struct {
	Regexs []string // one rule per pattern, at least one, at most MaxRegexs
}

// Add whitelists link hosts: one rule per pattern in req.Regexs. It is not
// retried once sent: if the connection fails after sending, the error wraps
// ErrOutcomeUnknown. The answer holds no rule ids: List by pattern shows
// what was added.
//
// API: POST /api/v2/whitelist/records (form)
func (s *WhitelistService) Add(ctx context.Context, req *WhitelistAddRequest, reqOpts ...RequestOption) error {
	if req == nil {
		req = &WhitelistAddRequest{}
	}
	return s.add(ctx, req.Regexs, false, reqOpts)
}

// Delete removes whitelist rules by id.
//
// API: DELETE /api/v2/whitelist/records (form)
func (s *WhitelistService) Delete(ctx context.Context, ruleIDs []string, reqOpts ...RequestOption) error {
	return s.delete(ctx, ruleIDs, reqOpts)
}

// WhitelistUpdateRequest is the new state of a whitelist rule.
type WhitelistUpdateRequest struct {
	// Regex is the rule's new pattern, required. The spec sends it in a body
	// field named "ruleId" ("Url to be updated to").
	Regex string
}

// Update replaces a whitelist rule's pattern and returns the rule. A nil
// request is refused ("nothing to update"), and so is an empty Regex,
// before anything is sent. ruleID names the rule in the path, as for
// BlacklistService.Update.
//
// API: PUT /api/v2/whitelist/records/:ruleId (form)
func (s *WhitelistService) Update(ctx context.Context, ruleID string, req *WhitelistUpdateRequest, reqOpts ...RequestOption) (*Rule, error) {
	if req == nil {
		return nil, errNothingToUpdate()
	}
	return s.update(ctx, ruleID, &ruleUpdateForm{Regex: req.Regex}, reqOpts)
}
