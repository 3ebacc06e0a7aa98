// Package chatadmin is a typed client for the chat service's Admin API v2:
// channels, messages (text, custom, images, files), users, roles,
// blacklist/whitelist moderation and reactions, called with an admin access
// token.
//
// Create one [Client] and share it: it is safe for concurrent use.
//
//	client, err := chatadmin.NewClient(token, chatadmin.WithRegion("eu"))
//	if err != nil {
//		return err
//	}
//	res, err := client.Channels.Create(ctx, "lobby", &chatadmin.ChannelCreateRequest{DisplayName: "Lobby"})
//
// The services are the Client's fields: [Client.Channels], [Client.Messages],
// [Client.Users], [Client.Roles], [Client.Blacklist], [Client.Whitelist] and
// [Client.Reactions]. Every method takes a [context.Context] first, then the
// ids it acts on as plain strings, then at most one request or list-options
// struct, and per-call [RequestOption] values last ([WithHeader],
// [WithRetrySafe], [WithResponseInfo], [WithReadAhead]).
// [NewClientFromEnv] reads [EnvToken] and [EnvBaseURL].
//
// # Errors
//
// A server's refusal is an [*APIError] carrying the HTTP status, the body's
// [ErrorCode], message and details, the route template, the request id and
// the body (capped at 1 MiB). It matches the family sentinels with
// [errors.Is]: [ErrBadRequest], [ErrUnauthorized], [ErrForbidden],
// [ErrMuted], [ErrBanned], [ErrContentRejected], [ErrNotFound],
// [ErrConflict], [ErrRateLimited] and [ErrServer]. Branch on an exact code
// with [errors.As]:
//
//	var apiErr *chatadmin.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == chatadmin.CodeNotBanned {
//		// nothing to unban
//	}
//
// Input the SDK can check itself (a missing id, an unknown enum value, more
// than [MaxUserIDs] user ids, text over [MaxTextLength] characters) is
// refused before anything is sent, with a [*ValidationError] that names both
// the Go field and the wire field; it matches [ErrInvalidInput]. A success
// answer that does not hold what the method promises (a missing or
// malformed body, an HTML page from a proxy) is [ErrUnexpectedResponse]:
// a method never returns a nil result with a nil error.
//
// # Retries
//
// Every endpoint has a retry class. Safe calls (queries, PUTs, DELETEs and
// POSTs that are idempotent in effect, such as bans and adding members) are
// retried on transport errors, 429, 500, 502, 503, 504 and code 400311.
// Unsafe calls (creating a channel, a message, an image or a file, closing a
// channel, adding a reaction or a blacklist/whitelist rule) are retried only
// when they surely did not take effect: the connection could not be made,
// the server rate-limited them, or it refused them unprocessed (HTTP/2
// REFUSED_STREAM or GOAWAY, through [NewTransport]). When an unsafe request
// was sent and its answer was lost (a dropped connection, an HTTP/2 stream
// reset, or the caller's context ending after sending), or a gateway
// answered for the API (502, 504, a 5xx without the API's error body), the
// error matches [ErrOutcomeUnknown] (and the context error, or the
// [*APIError], when that was the cause): check the server's state before
// trying again. Nothing below the SDK's retry policy may resend an unsafe
// request, HTTP/2 included. [WithAttempts] sets one call's attempts;
// [Client.Do] reaches other endpoints under the same rules.
// [WithRetrySafe] opts one call in.
//
// Backoff is exponential with full jitter ([WithRetryWait]), for
// [WithMaxAttempts] attempts in all. Retry-After is honoured, but a wait
// that would outlast the context deadline or [WithMaxRetryAfter] ends the
// call at once with the rate-limit [*APIError], whose RetryAfter holds the
// advice. The waits of one call (backoffs, counted at their longest, and
// Retry-After) add up to at most [WithMaxRetryWaitTotal]
// ([DefaultMaxRetryWaitTotal], 30 s): when the next wait would not fit in
// what is left, the call ends at once with the last answer's error, the
// rate-limit [*APIError] with RetryAfter when the server advised the wait.
// Retries draw on a
// client-wide budget ([WithRetryBudget]) so that a fleet of callers cannot
// multiply the load on a server that is down. After the last attempt the
// caller gets the last answer's typed error.
//
// # Pagination
//
// A List method returns one [Page] (items plus Next and Previous tokens).
// All returns an [iter.Seq2] of items that fetches pages lazily and stops on
// break, on the first error (yielded once) or when the context ends; Pages
// yields whole pages so that a long sweep can save each Next token and
// resume later by passing it back as the list options' Token. Tokens are
// opaque: pass them back untouched. A server that sends a token it sent
// before ends the sweep with [ErrUnexpectedResponse] instead of looping.
// [WithReadAhead] fetches the next page while the loop works on the current
// one.
//
// # Uploads and downloads
//
// An [UploadFile] describes a file that can be opened again for each
// attempt ([FileFromPath], [FileFromReaderAt], [FileFromFunc]) or a one-shot
// stream that is sent once and never retried ([FileFromReader]). The
// multipart body is streamed, never read whole into memory, with a
// Content-Length when the size is known; the file part carries its own
// content type. Cancelling the context stops an upload and closes the
// source. Downloads ([MessagesService.GetImage], [MessagesService.GetFile])
// return a [Download] whose Body the caller closes; redirects to a CDN host
// are followed without the token. An [http.Client] Timeout set through
// [WithHTTPClient] also cuts off a download that is still being read: use a
// context deadline for calls and read downloads at your own pace.
//
// # What the Admin API cannot do
//
// Bans have no duration: schedule the unban yourself. No endpoint lists a
// channel's members or its banned users. [BlacklistService.Add] and
// [WhitelistService.Add] return no rule ids: list by pattern
// ([RuleListOptions].Regexs) to find them.
//
// # Testing with chatadmintest
//
// Package github.com/chatadmin/chatadmin-go/chatadmintest is an in-memory
// emulator of every operation, parsing requests the way the real server
// does. Point a Client at it in your own tests:
//
//	srv := chatadmintest.NewServer()
//	defer srv.Close()
//	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
//
// It records what it was sent (srv.Requests), can be seeded with users and
// demo data, and injects faults (statuses, delays, dropped connections) to
// test your error handling.
package chatadmin
