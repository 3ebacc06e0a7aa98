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

// waitContext is the context of a call's wait before its first attempt:
// ctx, ended early by StopSending's stop.
func waitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	stop, _ := ctx.Value(sendStopKey{}).(context.Context)
	if stop == nil {
		return ctx, func() {}
	}
	wctx, cancel := context.WithCancelCause(ctx)
	unhook := context.AfterFunc(stop, func() { cancel(context.Cause(stop)) })
	return wctx, func() { unhook(); cancel(nil) }
}

// sendStopped returns the cause of StopSending's stop once it has ended,
// for the last look before a call's first attempt goes out.
func sendStopped(ctx context.Context) error {
	if stop, _ := ctx.Value(sendStopKey{}).(context.Context); stop != nil && stop.Err() != nil {
		return context.Cause(stop)
	}
	return nil
}
