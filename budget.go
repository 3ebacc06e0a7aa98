package chatadmin

import "fmt"

// Defaults of the client-wide retry budget.
const (
	DefaultRetryBudget       = 100 // retries in hand when the client starts
	DefaultRetryBudgetRefund = 1.0 // tokens each successful attempt gives back
)

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
