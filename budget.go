package chatadmin

import (
	"fmt"
	"sync"
)

// Defaults of the client-wide retry budget.
const (
	DefaultRetryBudget       = 100 // retries in hand when the client starts
	DefaultRetryBudgetRefund = 1.0 // tokens each successful attempt gives back
)

// retryBudget is a token bucket shared by all calls of a Client: each retry
// costs one token, each attempt that gets an answer (anything but a
// retryable failure) refunds some. During an outage the bucket empties and
// calls fail after their first attempt, so a fleet of callers cannot
// multiply the load on a server that is already down; once the server
// answers again, successes refill it.
type retryBudget struct {
	mu       sync.Mutex
	tokens   float64
	capacity float64
	refund   float64
}

func newRetryBudget(capacity int, refund float64) *retryBudget {
	if capacity <= 0 {
		return nil // no budget: every call may use all its attempts
	}
	return &retryBudget{tokens: float64(capacity), capacity: float64(capacity), refund: refund}
}

// take spends one token for a retry, reporting false when none is left.
func (b *retryBudget) take() bool {
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

// succeed refunds a successful attempt, up to the capacity.
func (b *retryBudget) succeed() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.capacity, b.tokens+b.refund)
	b.mu.Unlock()
}

// WithRetryBudget sets the client-wide retry budget: at most capacity
// retries in hand, refilled by refund tokens for each successful attempt.
// A capacity of 0 turns the budget off. The defaults (DefaultRetryBudget,
// DefaultRetryBudgetRefund) hold through a 30% failure rate and limit a full
// outage to about 100 extra attempts however many calls are in flight.
func WithRetryBudget(capacity int, refund float64) Option {
	return func(c *config) error {
		if capacity < 0 || refund < 0 {
			return fmt.Errorf("chatadmin: WithRetryBudget(%d, %g): want non-negative values", capacity, refund)
		}
		c.budgetCapacity, c.budgetRefund = capacity, refund
		return nil
	}
}
