package chatadmin

// ruleKind tells the blacklist and whitelist apart: they share all code and
// differ only in their path and the blacklist's exact-word flag.
type ruleKind struct {
	route     string
	exactWord bool
}

var (
	blacklistRules = ruleKind{route: "/api/v2/blacklist/records", exactWord: true}
	whitelistRules = ruleKind{route: "/api/v2/whitelist/records"}
)

type rulesService struct {
	service
	kind ruleKind
}

// BlacklistService manages blacklisted words.
type BlacklistService struct{ rulesService }

// WhitelistService manages whitelisted link hosts.
type WhitelistService struct{ rulesService }
