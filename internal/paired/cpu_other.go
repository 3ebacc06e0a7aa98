//go:build !unix

package paired

import "time"

// CPU is 0 where getrusage is missing: the commands then report wall
// time only.
func CPU() time.Duration { return 0 }
