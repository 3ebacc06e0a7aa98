package backoff

import "sync"

// Budget is a token bucket shared by all calls of a client: each retry
// costs one token, each attempt that gets an answer (anything but a
// retryable failure) refunds some. During an outage the bucket empties and
// calls fail after their first attempt, so a fleet of callers cannot
// multiply the load on a server that is already down; once the server
// answers again, successes refill it. A nil *Budget allows every retry.
type Budget struct {
	mu       sync.Mutex
	tokens   float64
	capacity float64
	refund   float64
}

// NewBudget returns a full budget, or nil (no budget) for a capacity of 0.
func NewBudget(capacity int, refund float64) *Budget {
	if capacity <= 0 {
		return nil
	}
	return &Budget{tokens: float64(capacity), capacity: float64(capacity), refund: refund}
}

// Take spends one token for a retry, reporting false when none is left.
func (b *Budget) Take() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Succeed refunds a successful attempt, up to the capacity.
func (b *Budget) Succeed() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.capacity, b.tokens+b.refund)
	b.mu.Unlock()
}

// Level returns the tokens in hand and the capacity.
func (b *Budget) Level() (tokens, capacity float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens, b.capacity
}
