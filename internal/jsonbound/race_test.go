//go:build race

package jsonbound

// raceEnabled: the race detector allocates more per object (no tiny
// allocator, padding), so what a decoded value holds grows.
const raceEnabled = true
