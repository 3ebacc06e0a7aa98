package chatadmin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeErr makes a Close call against a mock answering status and body, and
// returns its error.
func closeErr(t *testing.T, status int, contentType, body string) error {
	t.Helper()
	c := newTestClient(t)
	r := expect(t, wire{Method: "POST", Path: "/api/v2/channel/lobby/close", ContentType: contentTypeForm})
	r.Status(status).SetHeader("Content-Type", contentTypeJSON).BodyString(body)
	if contentType != "" {
		r.SetHeader("Content-Type", contentType)
	}
	err := c.Channels.Close(context.Background(), "lobby")
	require.Error(t, err)
	return err
}

func TestAPIErrorSentinels(t *testing.T) {
	cases := []struct {
		status int
		code   ErrorCode
		want   error
	}{
		{400, CodeBadRequest, ErrBadRequest},
		{400, CodeInvalidRegex, ErrBadRequest},
		{422, CodeBusinessError, ErrBadRequest},
		{401, CodeUnauthorized, ErrUnauthorized},
		{403, CodeForbidden, ErrForbidden},
		{403, CodePermissionDenied, ErrForbidden},
		{403, CodeUserMuted, ErrMuted},
		{403, CodeChannelMuted, ErrMuted},
		{403, CodeUserBanned, ErrBanned},
		{403, CodeGloballyBanned, ErrBanned},
		{400, CodeMaxRepetition, ErrContentRejected},
		{400, CodeBlacklistedWord, ErrContentRejected},
		{400, CodeLinkNotWhitelisted, ErrContentRejected},
		{400, CodeImageRejected, ErrContentRejected},
		{404, CodeNotFound, ErrNotFound},
		{409, CodeConflict, ErrConflict},
		{409, CodeDuplicate, ErrConflict},
		{429, CodeRateLimited, ErrRateLimited},
		// The body code wins over the status.
		{400, CodeNotFound, ErrNotFound},
		// Without a code, the status decides.
		{404, 0, ErrNotFound},
		{409, 0, ErrConflict},
		{401, 0, ErrUnauthorized},
		{503, 0, ErrServer},
	}
	all := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrMuted, ErrBanned, ErrContentRejected,
		ErrNotFound, ErrConflict, ErrRateLimited, ErrServer}
	for _, tc := range cases {
		e := &APIError{StatusCode: tc.status, Code: tc.code}
		for _, s := range all {
			assert.Equal(t, s == tc.want, errors.Is(e, s), "status %d code %d vs %v", tc.status, tc.code, s)
		}
	}
}

func TestAPIErrorFromJSONBody(t *testing.T) {
	err := closeErr(t, 404, "", `{"status":"error","code":400400,"message":"Channel Not Found."}`)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, CodeNotFound, apiErr.Code)
	assert.Equal(t, "Channel Not Found.", apiErr.Message)
	assert.Equal(t, "POST", apiErr.Method)
	assert.Equal(t, "/api/v2/channel/:channelId/close", apiErr.Route)
	assert.True(t, errors.Is(err, ErrNotFound))
	assert.Equal(t, "chatadmin: POST /api/v2/channel/:channelId/close: 404 400400: Channel Not Found.", err.Error())
}

func TestAPIErrorDetails(t *testing.T) {
	err := closeErr(t, 422, "", `{"status":"error","code":500000,"message":"Parameters error.",
		"data":{"detail":["The 'data.text' field length must be less than or equal to 20000 characters long."]}}`)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, []string{"The 'data.text' field length must be less than or equal to 20000 characters long."}, apiErr.Details)
	assert.Contains(t, err.Error(), "20000 characters")

	err = closeErr(t, 400, "", `{"status":"error","code":400000,"message":"You have already blocked this user",
		"data":{"detail":{"blockingUserId":"63ff"}}}`)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, map[string]any{"blockingUserId": "63ff"}, apiErr.DetailFields)
}

func TestAPIErrorCodeAsString(t *testing.T) {
	err := closeErr(t, 400, "", `{"status":"error","code":"400308","message":"Data contain blacklist word"}`)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeBlacklistedWord, apiErr.Code)
	assert.True(t, errors.Is(err, ErrContentRejected))
}

func TestAPIErrorHTMLBadGateway(t *testing.T) {
	page := "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
	err := closeErr(t, 502, "text/html", page)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Zero(t, apiErr.Code)
	assert.Equal(t, "Bad Gateway", apiErr.Message)
	assert.Equal(t, page, string(apiErr.Body))
	assert.True(t, errors.Is(err, ErrServer))
}

func TestAPIErrorEmpty500(t *testing.T) {
	err := closeErr(t, 500, "", "")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Empty(t, apiErr.Body)
	assert.True(t, errors.Is(err, ErrServer))
	// Close is unsafe, and a 5xx without the API's error body is not the
	// API talking: the backend may have acted (see TestGatewayAfterAct).
	assert.True(t, errors.Is(err, ErrOutcomeUnknown))
	assert.Equal(t, "chatadmin: outcome unknown: the request may have taken effect: POST /api/v2/channel/:channelId/close: 500: Internal Server Error", err.Error())
}

func TestAPIErrorBodyCapped(t *testing.T) {
	huge := `{"status":"error","code":400000,"message":"` + strings.Repeat("x", 5<<20) + `"}`
	err := closeErr(t, 400, "", huge)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body, 1<<20)
	assert.True(t, apiErr.Truncated)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.True(t, errors.Is(err, ErrBadRequest), "the status still classifies a truncated body")
}

func TestErrorInSuccessStatus(t *testing.T) {
	// A 200 whose body says "error" is an error, not a success.
	err := closeErr(t, 200, "", `{"status":"error","code":400300,"message":"Forbidden."}`)
	assert.True(t, errors.Is(err, ErrForbidden))
}

func TestAPIErrorNeverHoldsToken(t *testing.T) {
	err := closeErr(t, 401, "", `{"status":"error","code":400100,"message":"Unauthorized."}`)
	assert.NotContains(t, err.Error(), testToken)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, string(apiErr.Body), testToken)
}

// TestErrorCodeString: %v names a known code without its prefix, %d keeps
// the number, and an unknown code prints as its number.
func TestErrorCodeString(t *testing.T) {
	assert.Equal(t, "NotFound", fmt.Sprintf("%v", CodeNotFound))
	assert.Equal(t, "400400", fmt.Sprintf("%d", CodeNotFound))
	assert.Equal(t, "TooManyMembersInChannel", CodeTooManyMembersInChannel.String())
	assert.Equal(t, "400399", ErrorCode(400399).String())
	for code, name := range codeNames {
		assert.NotContains(t, name, "Code", "%d", code)
		assert.NotEqual(t, strconv.Itoa(int(code)), code.String())
	}
}

// TestValidationErrorNamesGoAndWireFields: the error names the value as the
// caller wrote it in Go and as the server would have read it.
func TestValidationErrorNamesGoAndWireFields(t *testing.T) {
	c := newTestClient(t)
	ctx := context.Background()
	cases := []struct {
		goField, wire, msg string
		err                error
	}{
		{"Limit", "options.limit", "chatadmin: invalid Limit (options.limit): must be at most 100, got 101",
			func() error { _, err := c.Channels.List(ctx, &ChannelListOptions{Limit: 101}); return err }()},
		{"channelID", "channelId", "chatadmin: invalid channelID (channelId): is required",
			func() error { _, err := c.Channels.Create(ctx, "", nil); return err }()},
		{`Metadata["a"]["b"]`, "metadata[a][b]", "",
			func() error {
				_, err := c.Users.Update(ctx, "u1", &UserUpdateRequest{Metadata: Metadata{"a": map[string]any{"b": nil}}})
				return err
			}()},
		{"Regex", "ruleId", "", func() error {
			_, err := c.Blacklist.Update(ctx, "b1", &BlacklistUpdateRequest{Match: MatchExactWord})
			return err
		}()},
		{"Text", "data.text", "", func() error { _, err := c.Messages.Create(ctx, "lobby", &MessageCreateRequest{}); return err }()},
		{"period", "mutePeriod", "", c.Channels.Mute(ctx, "lobby", 0)},
		{"messageID", "messageId", "", func() error { _, err := c.Messages.GetFile(ctx, ""); return err }()},
		{"req", "", "chatadmin: invalid req: nothing to update",
			func() error { _, err := c.Users.Update(ctx, "u1", &UserUpdateRequest{}); return err }()},
	}
	for _, tc := range cases {
		var verr *ValidationError
		if assert.ErrorAs(t, tc.err, &verr, tc.goField) {
			assert.Equal(t, tc.goField, verr.Field)
			assert.Equal(t, tc.wire, verr.WireField)
			if tc.msg != "" {
				assert.Equal(t, tc.msg, verr.Error())
			}
		}
	}
}
