package chatadmin

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/form"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlacklistList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "GET", Path: "/api/v2/blacklist/records",
		Query: url.Values{"regexs[]": {"badword", "sp[a@]m"}}}), "rules_blacklist_wrapped.json")

	rules, err := c.Blacklist.List(context.Background(), &RuleListOptions{Regexs: []string{"badword", "sp[a@]m"}})
	require.NoError(t, err)
	require.Len(t, rules, 2)
	assert.Equal(t, Rule{
		RuleID: "b1", Regex: "badword", IsMatchExactWord: true, IsEnabled: true,
		CreatedAt: Timestamp{time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		UpdatedAt: Timestamp{time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)},
	}, normalizeRule(rules[0]))
	assert.Equal(t, "b2", rules[1].RuleID)
	assert.False(t, rules[1].IsMatchExactWord)
	assert.False(t, rules[1].IsEnabled)
}

func TestWhitelistList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "GET", Path: "/api/v2/whitelist/records"}), "rules_whitelist.json")

	rules, err := c.Whitelist.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.Equal(t, "w1", rules[0].RuleID)
	assert.Equal(t, `example\.com`, rules[0].Regex)
	assert.True(t, rules[0].IsEnabled)
	assert.False(t, rules[0].IsMatchExactWord)
}

// TestRulesAdd checks the exact-word flag: the blacklist sends it even when
// false (the spec's default is false, but an absent flag must not be
// guessed), the whitelist never sends it.
func TestRulesAdd(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		wire wire
		call func(c *Client) error
	}{
		{"BlacklistExact", wire{Method: "POST", Path: "/api/v2/blacklist/records", ContentType: contentTypeForm,
			Form: url.Values{"regexs[]": {"badword", "worse"}, "isMatchExactWord": {"true"}}},
			func(c *Client) error {
				return c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{"badword", "worse"}, Match: MatchExactWord})
			}},
		{"BlacklistNotExact", wire{Method: "POST", Path: "/api/v2/blacklist/records", ContentType: contentTypeForm,
			Form: url.Values{"regexs[]": {"badword"}, "isMatchExactWord": {"false"}}},
			func(c *Client) error {
				return c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{"badword"}, Match: MatchAnywhere})
			}},
		{"Whitelist", wire{Method: "POST", Path: "/api/v2/whitelist/records", ContentType: contentTypeForm,
			Form: url.Values{"regexs[]": {`example\.com`}}},
			func(c *Client) error {
				return c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: []string{`example\.com`}})
			}},
	}
	acks := []string{"OK", `{"success":true}`, ""}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t)
			expect(t, tc.wire).BodyString(acks[i%len(acks)])
			require.NoError(t, tc.call(c))
		})
	}
}

func TestRulesDelete(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, path string
		call       func(c *Client) error
	}{
		{"Blacklist", "/api/v2/blacklist/records", func(c *Client) error { return c.Blacklist.Delete(ctx, []string{"b1", "b2"}) }},
		{"Whitelist", "/api/v2/whitelist/records", func(c *Client) error { return c.Whitelist.Delete(ctx, []string{"b1", "b2"}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t)
			expect(t, wire{Method: "DELETE", Path: tc.path, ContentType: contentTypeForm,
				Form: url.Values{"ruleIds[]": {"b1", "b2"}}}).BodyString("OK")
			require.NoError(t, tc.call(c))
		})
	}
}

func TestBlacklistUpdate(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/blacklist/records/b%2F1", ContentType: contentTypeForm,
		Form: url.Values{"ruleId": {"worseword"}, "isMatchExactWord": {"true"}}}), "rule_blacklist_update_wrapped.json")

	rule, err := c.Blacklist.Update(context.Background(), "b/1", &BlacklistUpdateRequest{Regex: "worseword", Match: MatchExactWord})
	require.NoError(t, err)
	assert.Equal(t, "b1", rule.RuleID)
	assert.Equal(t, "worseword", rule.Regex)
	assert.False(t, rule.IsMatchExactWord)
	assert.True(t, rule.IsEnabled)
	assert.Equal(t, time.Date(2024, 6, 1, 12, 30, 0, 0, time.UTC), rule.UpdatedAt.UTC())
}

// TestBlacklistUpdateAlwaysSendsMatch: the spec gives isMatchExactWord a
// default of false, so an update that left it out could reset the flag;
// MatchAnywhere is sent as false.
func TestBlacklistUpdateAlwaysSendsMatch(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/blacklist/records/b1", ContentType: contentTypeForm,
		Form: url.Values{"ruleId": {"worseword"}, "isMatchExactWord": {"false"}}}), "rule_blacklist_update_wrapped.json")
	_, err := c.Blacklist.Update(context.Background(), "b1", &BlacklistUpdateRequest{Regex: "worseword"})
	require.NoError(t, err)
}

// TestBlacklistUpdateRequiresRegex: the spec does not mark the body's
// ruleId (the new pattern) optional and the server answers 400 without it,
// so an update of the flag alone is refused before sending, as
// Whitelist.Update refuses an empty pattern.
func TestBlacklistUpdateRequiresRegex(t *testing.T) {
	srv := chatadmintest.NewServer()
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.Token(), WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{"badword"}, Match: MatchExactWord}))
	rules, err := c.Blacklist.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, rules, 1)

	requests := srv.Requests()
	_, err = c.Blacklist.Update(ctx, rules[0].RuleID, &BlacklistUpdateRequest{Match: MatchAnywhere})
	assertInvalidField(t, "ruleId", err)
	_, err = c.Blacklist.Update(ctx, rules[0].RuleID, nil)
	assertNothingToUpdate(t, err)
	_, err = c.Whitelist.Update(ctx, rules[0].RuleID, nil)
	assertNothingToUpdate(t, err)
	assert.Len(t, srv.Requests(), len(requests), "the refused updates sent nothing")
	_, err = c.Blacklist.Update(ctx, rules[0].RuleID, &BlacklistUpdateRequest{Regex: "badword", Match: MatchAnywhere})
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), len(requests)+1, "the refused update sent nothing")
}

func TestWhitelistUpdate(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/whitelist/records/w1", ContentType: contentTypeForm,
		Form: url.Values{"ruleId": {`docs\.example\.com`}}}), "rule_whitelist_update.json")

	rule, err := c.Whitelist.Update(context.Background(), "w1", &WhitelistUpdateRequest{Regex: `docs\.example\.com`})
	require.NoError(t, err)
	assert.Equal(t, "w1", rule.RuleID)
	assert.Equal(t, `docs\.example\.com`, rule.Regex)
	assert.Equal(t, time.Date(2024, 6, 1, 12, 30, 0, 0, time.UTC), rule.UpdatedAt.UTC())
}

func TestRulesValidation(t *testing.T) {
	c := newTestClient(t)
	ctx := context.Background()
	tooMany := make([]string, MaxRegexs+1)
	for i := range tooMany {
		tooMany[i] = "w"
	}
	bUpdate := func(id string, r *BlacklistUpdateRequest) error { _, err := c.Blacklist.Update(ctx, id, r); return err }
	wUpdate := func(id, regex string) error {
		_, err := c.Whitelist.Update(ctx, id, &WhitelistUpdateRequest{Regex: regex})
		return err
	}
	cases := []struct {
		field string
		err   error
	}{
		{"regexs", c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: nil, Match: MatchAnywhere})},
		{"regexs", c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: tooMany, Match: MatchExactWord})},
		{"regexs", c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: []string{}})},
		{"regexs", c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: []string{"a", ""}})},
		{"regexs", c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: tooMany})},
		{"regexs", func() error {
			_, err := c.Blacklist.List(ctx, &RuleListOptions{Regexs: []string{""}})
			return err
		}()},
		{"ruleIds", c.Blacklist.Delete(ctx, nil)},
		{"ruleIds", c.Whitelist.Delete(ctx, []string{""})},
		{"ruleId", bUpdate("", &BlacklistUpdateRequest{Regex: "x"})},
		{"ruleId", bUpdate("b1", &BlacklistUpdateRequest{})},
		{"ruleId", wUpdate("", "x")},
		{"ruleId", wUpdate("w1", "")},
	}
	for _, tc := range cases {
		assertInvalidField(t, tc.field, tc.err)
	}
	assertNothingToUpdate(t, bUpdate("b1", nil))
}

// TestRulesListSplitsLongFilters: the server's query parser (qs defaults,
// arrayLimit 20) reads an array of more than 20 values as an object and
// refuses it, so a longer filter goes out in requests of at most 20
// patterns whose results are merged, each rule once, in order.
func TestRulesListSplitsLongFilters(t *testing.T) {
	srv := chatadmintest.NewServer()
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.Token(), WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	var words []string
	for i := range 45 {
		words = append(words, fmt.Sprintf("w%02d", i))
	}
	require.NoError(t, c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: words, Match: MatchAnywhere}))
	require.NoError(t, c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: words}))
	require.NoError(t, c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{"w07"}, Match: MatchExactWord})) // two rules, one regex
	all, err := c.Blacklist.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, all, 46)

	// 21 distinct patterns, one repeated across the split, plus one that
	// matches nothing: 23 values.
	filter := append(slices.Clone(words[:21]), "w03", "nomatch")
	before := len(srv.Requests())
	got, err := c.Blacklist.List(ctx, &RuleListOptions{Regexs: filter})
	require.NoError(t, err)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.RuleID)
	}
	// The first request's rules (w00…w19, then the second w07 rule, in
	// the server's order), then the second's (w20; nomatch matches none).
	var want []string
	for _, r := range all[:20] {
		want = append(want, r.RuleID)
	}
	want = append(want, all[45].RuleID, all[20].RuleID)
	assert.Equal(t, want, ids)
	reqs := srv.Requests()[before:]
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		n := len(q["regexs[]"])
		assert.True(t, n >= 1 && n <= 20, "%d values in one query", n)
	}

	got, err = c.Whitelist.List(ctx, &RuleListOptions{Regexs: words})
	require.NoError(t, err)
	assert.Len(t, got, 45)
}

// TestQueryArrayLimit: nothing may put more than 20 values in one query
// array or nest a query key past 5 brackets; the encoder refuses before
// sending.
func TestQueryArrayLimit(t *testing.T) {
	vals := url.Values{}
	for i := range 21 {
		vals.Add("ids[]", fmt.Sprint(i))
	}
	assertInvalidField(t, "ids", formErr(form.Query.Check(vals)))
	vals["ids[]"] = vals["ids[]"][:20]
	require.NoError(t, formErr(form.Query.Check(vals)))
	require.NoError(t, formErr(form.Body.Check(url.Values{"ids[]": make([]string, 500)})))
	assertInvalidField(t, "a[20][x]", formErr(form.Query.Check(url.Values{"a[20][x]": {"1"}})))
	require.NoError(t, formErr(form.Query.Check(url.Values{"a[19][x]": {"1"}})))
	assertInvalidField(t, "a[b][c][d][e][f][g]", formErr(form.Query.Check(url.Values{"a[b][c][d][e][f][g]": {"1"}})))
	require.NoError(t, formErr(form.Query.Check(url.Values{"a[b][c][d][e][f]": {"1"}})))
	many := url.Values{}
	for i := range 1001 {
		many.Set(fmt.Sprint("k", i), "v")
	}
	assertInvalidField(t, "query string", formErr(form.Query.Check(many)))
	assertInvalidField(t, "form body", formErr(form.Body.Check(many)))
}

// normalizeRule puts a rule's times in UTC so that rules compare with ==.
func normalizeRule(r Rule) Rule {
	r.CreatedAt.Time, r.UpdatedAt.Time = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r
}
