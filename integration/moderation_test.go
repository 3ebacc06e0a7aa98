package integration_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	chatadmin "github.com/chatadmin/chatadmin-go"
)

var blacklistScenarios = []scenarioFunc{
	{name: "Blacklist/Lifecycle", run: blacklistLifecycle},
}

var whitelistScenarios = []scenarioFunc{
	{name: "Whitelist/Lifecycle", run: whitelistLifecycle},
}

func TestIntegrationBlacklist(t *testing.T) { runGroup(t, blacklistScenarios) }

func TestIntegrationWhitelist(t *testing.T) { runGroup(t, whitelistScenarios) }

// ruleByRegex finds a rule by its pattern in a list.
func ruleByRegex(rules []chatadmin.Rule, regex string) (chatadmin.Rule, bool) {
	i := slices.IndexFunc(rules, func(r chatadmin.Rule) bool { return r.Regex == regex })
	if i < 0 {
		return chatadmin.Rule{}, false
	}
	return rules[i], true
}

// wantPosted posts text and expects it accepted.
func (it *env) wantPosted(t *testing.T, channelID, text string) {
	t.Helper()
	if _, err := it.post(channelID, text); err != nil {
		t.Errorf("message %q was refused: %v", text, err)
	}
}

// wantRejected posts text and expects the content error code.
func (it *env) wantRejected(t *testing.T, channelID, text string, code chatadmin.ErrorCode) {
	t.Helper()
	_, err := it.post(channelID, text)
	it.wantAPIError(t, "message "+text, err, code, chatadmin.ErrContentRejected)
}

func blacklistLifecycle(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	// Unique words, so that a live tenant's own rules do not interfere.
	exact, loose := "zorp"+it.suffix, "blarg"+it.suffix
	it.wantPosted(t, room, "zorp"+it.suffix+" and blarg"+it.suffix+" before any rule")

	mustOK(t, "Blacklist.Add exact", it.Client.Blacklist.Add(it.Ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{exact}, Match: chatadmin.MatchExactWord}))
	mustOK(t, "Blacklist.Add loose", it.Client.Blacklist.Add(it.Ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{loose}, Match: chatadmin.MatchAnywhere}))
	rules, err := it.Client.Blacklist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{exact, loose}})
	mustOK(t, "Blacklist.List", err)
	exactRule, ok1 := ruleByRegex(rules, exact)
	looseRule, ok2 := ruleByRegex(rules, loose)
	if !ok1 || !ok2 || len(rules) != 2 {
		t.Fatalf("Blacklist.List(regexs) = %+v, want the two new rules", rules)
	}
	it.cleanup(t, "delete blacklist rules", func(ctx context.Context) error {
		return it.Client.Blacklist.Delete(ctx, []string{exactRule.RuleID, looseRule.RuleID})
	})
	if !exactRule.IsMatchExactWord || looseRule.IsMatchExactWord || !exactRule.IsEnabled || exactRule.RuleID == "" {
		t.Errorf("rules = %+v / %+v, want exact-word true/false, enabled", exactRule, looseRule)
	}
	if only, err := it.Client.Blacklist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{exact}}); err != nil || len(only) != 1 || only[0].RuleID != exactRule.RuleID {
		t.Errorf("List filtered on one regex = %+v, %v", only, err)
	}
	if all, err := it.Client.Blacklist.List(it.Ctx, nil); err != nil || len(all) < 2 {
		t.Errorf("List of all rules = %+v, %v", all, err)
	}

	it.wantRejected(t, room, "well "+exact+" to you", chatadmin.CodeBlacklistedWord)
	it.wantRejected(t, room, "SHOUTING "+strings.ToUpper(exact)+"!", chatadmin.CodeBlacklistedWord)
	it.wantPosted(t, room, "pre"+exact+"ed is a longer word") // an exact word does not match inside words
	it.wantRejected(t, room, "pre"+loose+"ed", chatadmin.CodeBlacklistedWord)

	// Update the exact rule's word, then make it match inside words.
	newWord := "quux" + it.suffix
	updated, err := it.Client.Blacklist.Update(it.Ctx, exactRule.RuleID, &chatadmin.BlacklistUpdateRequest{Regex: newWord, Match: chatadmin.MatchExactWord})
	mustOK(t, "Blacklist.Update regex", err)
	if updated.RuleID != exactRule.RuleID || updated.Regex != newWord || !updated.IsMatchExactWord {
		t.Errorf("Update returned %+v", updated)
	}
	it.wantPosted(t, room, "well "+exact+" is fine now")
	it.wantRejected(t, room, "but "+newWord+" is not", chatadmin.CodeBlacklistedWord)
	it.wantPosted(t, room, "un"+newWord+"able")
	updated, err = it.Client.Blacklist.Update(it.Ctx, exactRule.RuleID, &chatadmin.BlacklistUpdateRequest{Regex: newWord, Match: chatadmin.MatchAnywhere})
	mustOK(t, "Blacklist.Update exact-word", err)
	if updated.IsMatchExactWord || updated.Regex != newWord {
		t.Errorf("Update(isMatchExactWord=false) returned %+v", updated)
	}
	it.wantRejected(t, room, "un"+newWord+"able", chatadmin.CodeBlacklistedWord)
	rules, err = it.Client.Blacklist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{newWord}})
	mustOK(t, "Blacklist.List after update", err)
	if len(rules) != 1 || rules[0].RuleID != exactRule.RuleID || rules[0].IsMatchExactWord {
		t.Errorf("after Update the list shows %+v", rules)
	}

	mustOK(t, "Blacklist.Delete", it.Client.Blacklist.Delete(it.Ctx, []string{exactRule.RuleID, looseRule.RuleID}))
	it.wantPosted(t, room, "un"+newWord+"able and "+loose+" are fine again")
	if rules, err := it.Client.Blacklist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{newWord, loose}}); err != nil || len(rules) != 0 {
		t.Errorf("after Delete the list shows %+v, %v", rules, err)
	}

	err = it.Client.Blacklist.Add(it.Ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{"(unclosed"}, Match: chatadmin.MatchAnywhere})
	it.wantAPIError(t, "Add of an invalid regex", err, chatadmin.CodeInvalidRegex, chatadmin.ErrBadRequest)
	_, err = it.Client.Blacklist.Update(it.Ctx, it.ID("no-such-rule"), &chatadmin.BlacklistUpdateRequest{Regex: "x"})
	it.wantAPIError(t, "Update of an unknown rule", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	it.wantInvalid(t, "Add without regexs", "regexs", func() error {
		return it.Client.Blacklist.Add(it.Ctx, &chatadmin.BlacklistAddRequest{Regexs: nil, Match: chatadmin.MatchAnywhere})
	})
	it.wantInvalid(t, "Delete without ids", "ruleIds", func() error { return it.Client.Blacklist.Delete(it.Ctx, nil) })
	it.wantInvalid(t, "Update with nothing to change", "ruleId", func() error {
		_, err := it.Client.Blacklist.Update(it.Ctx, "r1", &chatadmin.BlacklistUpdateRequest{})
		return err
	})

	it.emulatorOnly(t, "updating to an invalid regex follows the emulator's rule matching")
	mustOK(t, "Blacklist.Add", it.Client.Blacklist.Add(it.Ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{"fine"}, Match: chatadmin.MatchExactWord}))
	rules, err = it.Client.Blacklist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{"fine"}})
	mustOK(t, "Blacklist.List", err)
	_, err = it.Client.Blacklist.Update(it.Ctx, rules[0].RuleID, &chatadmin.BlacklistUpdateRequest{Regex: "[broken"})
	it.wantAPIError(t, "Update to an invalid regex", err, chatadmin.CodeInvalidRegex, chatadmin.ErrBadRequest)
}

func whitelistLifecycle(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	it.wantPosted(t, room, "before any rule https://evil.test/x is fine")

	allowed := `example\.com`
	mustOK(t, "Whitelist.Add", it.Client.Whitelist.Add(it.Ctx, &chatadmin.WhitelistAddRequest{Regexs: []string{allowed}}))
	rules, err := it.Client.Whitelist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{allowed}})
	mustOK(t, "Whitelist.List", err)
	if len(rules) != 1 || rules[0].Regex != allowed || !rules[0].IsEnabled {
		t.Fatalf("Whitelist.List = %+v", rules)
	}
	rule := rules[0]
	it.cleanup(t, "delete whitelist rule", func(ctx context.Context) error {
		return it.Client.Whitelist.Delete(ctx, []string{rule.RuleID})
	})

	it.wantRejected(t, room, "see https://evil.test/x", chatadmin.CodeLinkNotWhitelisted)
	it.wantPosted(t, room, "see https://example.com/page?q=1")
	it.wantPosted(t, room, "no links at all")

	updated, err := it.Client.Whitelist.Update(it.Ctx, rule.RuleID, &chatadmin.WhitelistUpdateRequest{Regex: `example\.org`})
	mustOK(t, "Whitelist.Update", err)
	if updated.RuleID != rule.RuleID || updated.Regex != `example\.org` {
		t.Errorf("Update returned %+v", updated)
	}
	it.wantRejected(t, room, "see https://example.com/page", chatadmin.CodeLinkNotWhitelisted)
	it.wantPosted(t, room, "see https://example.org/page")
	if rules, err := it.Client.Whitelist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{`example\.org`}}); err != nil || len(rules) != 1 {
		t.Errorf("after Update the list shows %+v, %v", rules, err)
	}
	if all, err := it.Client.Whitelist.List(it.Ctx, nil); err != nil || len(all) < 1 {
		t.Errorf("List of all rules = %+v, %v", all, err)
	}

	mustOK(t, "Whitelist.Delete", it.Client.Whitelist.Delete(it.Ctx, []string{rule.RuleID}))
	it.wantPosted(t, room, "after Delete https://evil.test/x is fine again")
	if rules, err := it.Client.Whitelist.List(it.Ctx, &chatadmin.RuleListOptions{Regexs: []string{`example\.org`}}); err != nil || len(rules) != 0 {
		t.Errorf("after Delete the list shows %+v, %v", rules, err)
	}

	err = it.Client.Whitelist.Add(it.Ctx, &chatadmin.WhitelistAddRequest{Regexs: []string{"example.(com"}})
	it.wantAPIError(t, "Add of an invalid regex", err, chatadmin.CodeInvalidRegex, chatadmin.ErrBadRequest)
	_, err = it.Client.Whitelist.Update(it.Ctx, it.ID("no-such-rule"), &chatadmin.WhitelistUpdateRequest{Regex: `x\.com`})
	it.wantAPIError(t, "Update of an unknown rule", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	it.wantInvalid(t, "Update without a pattern", "ruleId", func() error {
		_, err := it.Client.Whitelist.Update(it.Ctx, rule.RuleID, &chatadmin.WhitelistUpdateRequest{Regex: ""})
		return err
	})
}
