package chatadminotel

import (
	"sync"

	"github.com/chatadmin/chatadmin-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// opKey is what a call's fixed attributes depend on.
type opKey struct {
	op, method, route, addr string
	port                    int
}

// opAttrs are the span names, span attributes and metric attribute sets of
// one operation on one server, built on its first call and shared by every
// later one: building them per call was most of what the adapter cost on a
// no-op provider (BENCHMARKS.md §5). There is one per operation and server
// an Observer has seen, so the cache is bounded by the SDK's operations
// times the servers its Clients talk to.
type opAttrs struct {
	callName, attemptName string
	server                server
	spanAttrs             []attribute.KeyValue     // operation, method, route, server: on both spans
	callStart             trace.SpanStartOption    // the call span's kind and spanAttrs
	attempts              []metric.AddOption       // {operation}
	waits                 [4][]metric.RecordOption // {operation, wait cause}, by chatadmin.WaitCause

	mu        sync.RWMutex
	durations map[chatadmin.Outcome][]metric.RecordOption // {operation, outcome, server}
	retries   map[string][]metric.AddOption               // {operation, retry reason}
}

// opCache holds the opAttrs an Observer has built. A map under a lock,
// rather than a sync.Map, because a sync.Map key is an interface and
// boxing the key costs an allocation per lookup.
type opCache struct {
	mu  sync.RWMutex
	ops map[opKey]*opAttrs
}

// attrsFor returns the cached opAttrs of cs's operation and server.
func (o *Observer) attrsFor(cs *chatadmin.CallStart) *opAttrs {
	key := opKey{cs.Op, cs.Method, cs.Route, cs.ServerAddress, cs.ServerPort}
	o.ops.mu.RLock()
	a := o.ops.ops[key]
	o.ops.mu.RUnlock()
	if a != nil {
		return a
	}
	o.ops.mu.Lock()
	defer o.ops.mu.Unlock()
	if a = o.ops.ops[key]; a == nil {
		if o.ops.ops == nil {
			o.ops.ops = make(map[opKey]*opAttrs)
		}
		a = newOpAttrs(key)
		o.ops.ops[key] = a
	}
	return a
}

func newOpAttrs(k opKey) *opAttrs {
	op := KeyOperation.String(k.op)
	a := &opAttrs{
		callName:    "chatadmin." + k.op,
		attemptName: k.method + " " + k.route,
		server:      server{k.addr, k.port},
		durations:   make(map[chatadmin.Outcome][]metric.RecordOption),
		retries:     make(map[string][]metric.AddOption),
		spanAttrs: []attribute.KeyValue{op, KeyHTTPMethod.String(k.method), KeyURLTemplate.String(k.route),
			KeyServerAddress.String(k.addr), KeyServerPort.Int(k.port)},
		attempts: []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(op))},
	}
	a.callStart = trace.WithAttributes(a.spanAttrs...)
	for cause := range a.waits {
		a.waits[cause] = []metric.RecordOption{metric.WithAttributeSet(
			attribute.NewSet(op, KeyWaitCause.String(chatadmin.WaitCause(cause).String())))}
	}
	return a
}

// wait returns the attribute set of a wait of cause.
func (a *opAttrs) wait(cause chatadmin.WaitCause) []metric.RecordOption {
	if int(cause) < len(a.waits) {
		return a.waits[cause]
	}
	return []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(a.spanAttrs[0], KeyWaitCause.String(cause.String())))}
}

// duration returns the attribute set of the call duration of an outcome.
func (a *opAttrs) duration(outcome chatadmin.Outcome) []metric.RecordOption {
	return cached(&a.mu, a.durations, outcome, func() []metric.RecordOption {
		return []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(
			a.spanAttrs[0], KeyOutcome.String(string(outcome)), a.spanAttrs[3], a.spanAttrs[4]))}
	})
}

// retry returns the attribute set of a retry for reason.
func (a *opAttrs) retry(reason string) []metric.AddOption {
	return cached(&a.mu, a.retries, reason, func() []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(a.spanAttrs[0], KeyRetryReason.String(reason)))}
	})
}

// cached returns m[key], building it under mu the first time. The keys
// (outcomes, retry reasons) are the SDK's small fixed sets.
func cached[K comparable, V any](mu *sync.RWMutex, m map[K]V, key K, build func() V) V {
	mu.RLock()
	v, ok := m[key]
	mu.RUnlock()
	if ok {
		return v
	}
	mu.Lock()
	defer mu.Unlock()
	if v, ok = m[key]; !ok {
		v = build()
		m[key] = v
	}
	return v
}
