package chatadmin

import (
	"context"
	"net/url"
	"testing"
	"time"

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
			func(c *Client) error { return c.Blacklist.Add(ctx, []string{"badword", "worse"}, MatchExactWord) }},
		{"BlacklistNotExact", wire{Method: "POST", Path: "/api/v2/blacklist/records", ContentType: contentTypeForm,
			Form: url.Values{"regexs[]": {"badword"}, "isMatchExactWord": {"false"}}},
			func(c *Client) error { return c.Blacklist.Add(ctx, []string{"badword"}, MatchAnywhere) }},
		{"Whitelist", wire{Method: "POST", Path: "/api/v2/whitelist/records", ContentType: contentTypeForm,
			Form: url.Values{"regexs[]": {`example\.com`}}},
			func(c *Client) error { return c.Whitelist.Add(ctx, []string{`example\.com`}) }},
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
	exact := false
	replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/blacklist/records/b%2F1", ContentType: contentTypeForm,
		Form: url.Values{"ruleId": {"worseword"}, "isMatchExactWord": {"false"}}}), "rule_blacklist_update_wrapped.json")

	rule, err := c.Blacklist.Update(context.Background(), "b/1", &BlacklistUpdateRequest{Regex: "worseword", IsMatchExactWord: &exact})
	require.NoError(t, err)
	assert.Equal(t, "b1", rule.RuleID)
	assert.Equal(t, "worseword", rule.Regex)
	assert.False(t, rule.IsMatchExactWord)
	assert.True(t, rule.IsEnabled)
	assert.Equal(t, time.Date(2024, 6, 1, 12, 30, 0, 0, time.UTC), rule.UpdatedAt.UTC())
}

func TestBlacklistUpdateSendsOnlyGivenFields(t *testing.T) {
	ctx := context.Background()
	t.Run("flag only", func(t *testing.T) {
		c := newTestClient(t)
		exact := true
		replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/blacklist/records/b1", ContentType: contentTypeForm,
			Form: url.Values{"isMatchExactWord": {"true"}}}), "rule_blacklist_update_wrapped.json")
		_, err := c.Blacklist.Update(ctx, "b1", &BlacklistUpdateRequest{IsMatchExactWord: &exact})
		require.NoError(t, err)
	})
	t.Run("regex only", func(t *testing.T) {
		c := newTestClient(t)
		replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/blacklist/records/b1", ContentType: contentTypeForm,
			Form: url.Values{"ruleId": {"worseword"}}}), "rule_blacklist_update_wrapped.json")
		_, err := c.Blacklist.Update(ctx, "b1", &BlacklistUpdateRequest{Regex: "worseword"})
		require.NoError(t, err)
	})
}

func TestWhitelistUpdate(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/whitelist/records/w1", ContentType: contentTypeForm,
		Form: url.Values{"ruleId": {`docs\.example\.com`}}}), "rule_whitelist_update.json")

	rule, err := c.Whitelist.Update(context.Background(), "w1", `docs\.example\.com`)
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
	wUpdate := func(id, regex string) error { _, err := c.Whitelist.Update(ctx, id, regex); return err }
	cases := []struct {
		field string
		err   error
	}{
		{"regexs", c.Blacklist.Add(ctx, nil, MatchAnywhere)},
		{"regexs", c.Blacklist.Add(ctx, tooMany, MatchExactWord)},
		{"regexs", c.Whitelist.Add(ctx, []string{})},
		{"regexs", c.Whitelist.Add(ctx, []string{"a", ""})},
		{"regexs", c.Whitelist.Add(ctx, tooMany)},
		{"regexs", func() error {
			_, err := c.Blacklist.List(ctx, &RuleListOptions{Regexs: []string{""}})
			return err
		}()},
		{"ruleIds", c.Blacklist.Delete(ctx, nil)},
		{"ruleIds", c.Whitelist.Delete(ctx, []string{""})},
		{"ruleId", bUpdate("", &BlacklistUpdateRequest{Regex: "x"})},
		{"ruleId", bUpdate("b1", nil)},
		{"ruleId", bUpdate("b1", &BlacklistUpdateRequest{})},
		{"ruleId", wUpdate("", "x")},
		{"ruleId", wUpdate("w1", "")},
	}
	for _, tc := range cases {
		assertInvalidField(t, tc.field, tc.err)
	}
}

// normalizeRule puts a rule's times in UTC so that rules compare with ==.
func normalizeRule(r Rule) Rule {
	r.CreatedAt.Time, r.UpdatedAt.Time = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r
}
