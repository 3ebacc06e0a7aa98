package chatadmin

import "context"

// ErrNotSent is wrapped by the error of a call that ended before it sent
// anything, while it waited for the rate limiter or just before sending,
// because its context or the stop of StopSending ended: it had no effect
// and may be made again.
var ErrNotSent error = &sentinel{"chatadmin: not sent"}

type sendStopKey struct{}

// StopSending returns a copy of ctx that carries stop. Once stop ends, a
// call made with the returned context that has not sent its first attempt
// yet sends nothing: a wait for the rate limiter ends at once, and the call
// returns an error wrapping ErrNotSent and stop's cause. A call already
// sent is not affected and runs on until ctx ends.
//
// It gives the calls in flight a grace period without holding the rest:
// the bulk runner, on Ctrl-C, lets the calls already sent finish under ctx
// while those still waiting for the limiter stop at once.
func StopSending(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, sendStopKey{}, stop)
}

// sendStop is the stop StopSending put in ctx, or nil.
func sendStop(ctx context.Context) context.Context {
	stop, _ := ctx.Value(sendStopKey{}).(context.Context)
	return stop
}
