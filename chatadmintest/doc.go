// Package chatadmintest is an in-memory emulator of the chat service's
// Admin API v2, for integration tests of the chatadmin SDK, for the
// examples when no live server is configured, and for SDK users who want to
// test their own code without a network.
//
// The emulator is an independent reading of the Admin API v2 wire contract
// (routes, body kinds, parameter rules, response and error shapes): it does
// not import the SDK and shares no encoder with it, so that a bug in the
// SDK's encoding shows up as a failing request here instead of being
// mirrored.
//
// What it does, in request order:
//
//   - routes on the exact method and path templates of the spec (path
//     parameters are single, percent-decoded segments: "%2F" stays inside the
//     parameter), answering 404/400400 to anything else;
//   - applies injected or random faults (status, delay, dropped connection);
//   - checks "Authorization: Bearer <token>" (401/400100);
//   - checks the Content-Type the spec names for the route, parses form
//     bodies and query strings like a Node server using body-parser
//     "extended" (qs semantics, see internal/qs), JSON bodies and multipart
//     uploads, and enforces the body limits (100 KiB, 1 GiB upload);
//   - validates parameters strictly (fastest-validator style: a bare
//     "tags=a" is a string, not an array, and is rejected with 422/500000);
//   - keeps state: users, roles, channels and memberships, bans, mutes that
//     expire on the configured clock, messages with per-channel
//     channelSegment numbers, closed channels, blacklist/whitelist rules
//     applied to new messages, reactions, uploaded images (resized to the
//     small/medium/large sizes) and files;
//   - answers in the provider's response shapes (some flat, some wrapped in
//     {"status":"success","data":…}, some the text "OK") and its error body
//     {"status":"error","code":N,"message":…,"data":{"detail":…}}.
//
// Everything it does is logged (see Emulator.Requests) with the
// Authorization header redacted.
//
// The Emulator answers paths that start with /api/v2; to mount it under a
// prefix wrap it in http.StripPrefix.
//
// # Guesses
//
// Where the provider's documentation is silent the emulator guesses; code
// under test should not depend on these guesses. The one the SDK relies on
// is that any 2xx is success and both envelopes decode:
//
//   - Response envelopes: flat for channels, users, get message, mute,
//     reaction add/remove; wrapped in {"status":"success","data":…} for
//     message lists, roles, rules, reactors; the text "OK" for the other
//     actions. A client should accept either envelope on every route.
//   - The admin user exists from the start (display name "Admin") and is
//     listed by GET /users; user ids named by the admin (members, bans,
//     mutes, user update) are created on the fly; global ban/unban and clear
//     flags of an unknown user answer 404/400400.
//   - Content-Type is checked whenever the header is present; a request with
//     neither body nor Content-Type is taken as empty parameters (as
//     body-parser does), so close channel and clear flags work without one.
//     GET ignores any body. DELETE /message/:messageId refuses a non-empty
//     body (400000).
//   - Paging tokens carry their query, so a token may be sent alone; channel
//     and user pages report next and prev, reactions only next; message
//     tokens page by channelSegment from the oldest message.
//   - Message queries leave deleted messages out; image data is
//     {"caption","fileId"}, file data {"fileId","fileName"}; the image size
//     parameter is required; sizes are never upscaled (a size not smaller
//     than the original serves the original bytes).
//   - muteTimeout is absent until a mute is set, and 9999-12-31T23:59:59.999Z
//     for mutePeriod -1; muting users who are not members is allowed.
//   - Adding a user banned in the channel answers 403/400304; removing a
//     banned user leaves the ban; unban makes the user a non-member.
//   - Blacklist and whitelist rules are Go RE2 regexes matched
//     case-insensitively; the body "ruleId" of an update is the new regex
//     text and the path may name the rule by id or by regex; deleting unknown
//     rule ids is not an error; only text messages are moderated; whitelist
//     regexes are matched against the link's host.
//   - PUT /roles accepts a missing permissions list (no permissions).
package chatadmintest
