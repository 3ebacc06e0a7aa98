package ratebench

import chatadmin "github.com/chatadmin/chatadmin-go"

// Modes are the limiters of the core module: none (WithoutRateLimiter),
// the default client's (no limiter option), and an adaptive one given
// explicitly (no ceiling: it learns the limit from the server's 429s).
var Modes = map[string]Factory{
	"none":    func(Env) (chatadmin.Limiter, func(), error) { return nil, nil, nil },
	"default": func(Env) (chatadmin.Limiter, func(), error) { return nil, nil, nil },
	"adaptive": func(Env) (chatadmin.Limiter, func(), error) {
		return chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{}), nil, nil
	},
}
