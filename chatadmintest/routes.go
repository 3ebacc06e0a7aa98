package chatadmintest

import (
	"net/http"
	"net/url"
	"strings"
)

// bodyKind is how a route takes its parameters, as the spec's Content-Type
// says.
type bodyKind int

const (
	bodyQuery     bodyKind = iota // GET: parameters in the query string only; a body is ignored
	bodyForm                      // application/x-www-form-urlencoded, parsed with qs.Parse
	bodyJSON                      // application/json (a charset parameter is allowed)
	bodyMultipart                 // multipart/form-data
	bodyNone                      // no body at all (DELETE /message/:messageId)
)

// handlerFunc runs under the emulator's state lock.
type handlerFunc func(e *Emulator, c *call) (*response, error)

// route is one method + path template of the spec.
type route struct {
	method   string
	template string   // "/api/v2/channel/:channelId/users"
	segs     []string // template split on "/", params start with ':'
	kind     bodyKind
	// prepare runs before the state lock is taken, for slow work on the
	// request alone (image decoding and resizing).
	prepare func(e *Emulator, c *call) error
	handle  handlerFunc
}

// name is the route's template as Fault.Route and Request.Route spell it.
func (rt *route) name() string { return rt.method + " " + rt.template }

func newRoute(method, template string, kind bodyKind, h handlerFunc) *route {
	return &route{method: method, template: template, segs: strings.Split(template, "/"), kind: kind, handle: h}
}

// apiRoutes are the spec's routes in spec order. The mute/unmute pairs
// share one route each, so 39 operations make 37 routes.
var apiRoutes = []*route{
	newRoute(http.MethodPost, "/api/v2/channels", bodyForm, (*Emulator).queryChannels),
	newRoute(http.MethodPost, "/api/v2/channel", bodyForm, (*Emulator).createChannel),
	newRoute(http.MethodPost, "/api/v2/channel/displayName", bodyForm, (*Emulator).updateDisplayName),
	newRoute(http.MethodPost, "/api/v2/channel/:channelId/users", bodyForm, (*Emulator).addChannelUsers),
	newRoute(http.MethodDelete, "/api/v2/channel/:channelId/users", bodyJSON, (*Emulator).removeChannelUsers),
	newRoute(http.MethodPut, "/api/v2/channel/:channelId/mute", bodyJSON, (*Emulator).muteChannel),
	newRoute(http.MethodPut, "/api/v2/channel/:channelId/users/mute", bodyForm, (*Emulator).muteChannelUsers),
	newRoute(http.MethodPost, "/api/v2/channel/:channelId/users/ban", bodyForm, (*Emulator).banChannelUsers),
	newRoute(http.MethodPost, "/api/v2/channel/:channelId/users/unban", bodyForm, (*Emulator).unbanChannelUsers),
	newRoute(http.MethodPost, "/api/v2/channel/:channelId/close", bodyForm, (*Emulator).closeChannel),
	newRoute(http.MethodPost, "/api/v2/messages", bodyJSON, (*Emulator).queryMessages),
	newRoute(http.MethodGet, "/api/v2/message/:messageId", bodyQuery, (*Emulator).getMessage),
	newRoute(http.MethodPost, "/api/v2/message", bodyJSON, (*Emulator).createMessage),
	newRoute(http.MethodDelete, "/api/v2/message/:messageId", bodyNone, (*Emulator).deleteMessage),
	withPrepare(newRoute(http.MethodPost, "/api/v2/messages/images", bodyMultipart, (*Emulator).createImageMessage), prepareImage),
	newRoute(http.MethodGet, "/api/v2/messages/:messageId/images", bodyQuery, (*Emulator).getImage),
	newRoute(http.MethodPost, "/api/v2/messages/files", bodyMultipart, (*Emulator).createFileMessage),
	newRoute(http.MethodGet, "/api/v2/messages/:messageId/files", bodyQuery, (*Emulator).getFile),
	newRoute(http.MethodGet, "/api/v2/users", bodyQuery, (*Emulator).queryUsers),
	newRoute(http.MethodPut, "/api/v2/users", bodyForm, (*Emulator).updateUser),
	newRoute(http.MethodPost, "/api/v2/users/ban", bodyForm, (*Emulator).globalBan),
	newRoute(http.MethodPost, "/api/v2/users/unban", bodyForm, (*Emulator).globalUnban),
	newRoute(http.MethodDelete, "/api/v2/users/:userId/flags", bodyForm, (*Emulator).clearFlags),
	newRoute(http.MethodGet, "/api/v2/roles", bodyQuery, (*Emulator).queryRoles),
	newRoute(http.MethodPut, "/api/v2/roles", bodyForm, (*Emulator).addRoles),
	newRoute(http.MethodGet, "/api/v2/blacklist/records", bodyQuery, ruleHandler(blacklist, (*Emulator).queryRules)),
	newRoute(http.MethodPost, "/api/v2/blacklist/records", bodyForm, ruleHandler(blacklist, (*Emulator).addRules)),
	newRoute(http.MethodDelete, "/api/v2/blacklist/records", bodyForm, ruleHandler(blacklist, (*Emulator).deleteRules)),
	newRoute(http.MethodPut, "/api/v2/blacklist/records/:ruleId", bodyForm, ruleHandler(blacklist, (*Emulator).updateRule)),
	newRoute(http.MethodGet, "/api/v2/whitelist/records", bodyQuery, ruleHandler(whitelist, (*Emulator).queryRules)),
	newRoute(http.MethodPost, "/api/v2/whitelist/records", bodyForm, ruleHandler(whitelist, (*Emulator).addRules)),
	newRoute(http.MethodDelete, "/api/v2/whitelist/records", bodyForm, ruleHandler(whitelist, (*Emulator).deleteRules)),
	newRoute(http.MethodPut, "/api/v2/whitelist/records/:ruleId", bodyForm, ruleHandler(whitelist, (*Emulator).updateRule)),
	newRoute(http.MethodGet, "/api/v2/reactions", bodyQuery, (*Emulator).queryReactions),
	newRoute(http.MethodPost, "/api/v2/reactions", bodyForm, (*Emulator).addReaction),
	newRoute(http.MethodDelete, "/api/v2/reactions", bodyForm, (*Emulator).removeReaction),
	newRoute(http.MethodGet, "/api/v2/reactions/messages/most", bodyQuery, (*Emulator).mostReacted),
}

// cdnRoutes are served by the WithCDN listener, without auth.
var cdnRoutes = []*route{
	newRoute(http.MethodGet, "/cdn/images/:messageId/:size", bodyQuery, (*Emulator).cdnImage),
	newRoute(http.MethodGet, "/cdn/files/:messageId", bodyQuery, (*Emulator).cdnFile),
}

func withPrepare(rt *route, p func(e *Emulator, c *call) error) *route {
	rt.prepare = p
	return rt
}

// Routes returns the spec's route templates as "METHOD /path/:param", in
// spec order: 37 unique method+path pairs for the 39 operations (mute and
// unmute channel share "PUT /api/v2/channel/:channelId/mute", mute and
// unmute users share "PUT /api/v2/channel/:channelId/users/mute").
func Routes() []string {
	out := make([]string, len(apiRoutes))
	for i, rt := range apiRoutes {
		out[i] = rt.name()
	}
	return out
}

// CDNRoutes returns the route templates of the WithCDN listener, which
// Fault.Route may name too.
func CDNRoutes() []string {
	out := make([]string, len(cdnRoutes))
	for i, rt := range cdnRoutes {
		out[i] = rt.name()
	}
	return out
}

// matchRoute finds the route for a request. The path is split on the
// escaped form (r.URL.EscapedPath) so that an escaped "%2F" inside a
// parameter stays in that parameter; each parameter is then
// percent-decoded. Parameters must be non-empty, as in Express.
func matchRoute(table []*route, r *http.Request) (*route, map[string]string) {
	segs := strings.Split(r.URL.EscapedPath(), "/")
	for _, rt := range table {
		if rt.method != r.Method || len(rt.segs) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, ts := range rt.segs {
			if strings.HasPrefix(ts, ":") {
				v, err := url.PathUnescape(segs[i])
				if err != nil || v == "" {
					ok = false
					break
				}
				params[ts[1:]] = v
			} else if ts != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}
