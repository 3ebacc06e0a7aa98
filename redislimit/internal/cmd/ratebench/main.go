// Command ratebench is internal/cmd/ratebench of the chatadmin module with
// one more mode, -limiter redis: every process paces its calls with a
// redislimit.Limiter on one key, at the emulator's limit (BENCHMARKS.md,
// "Rate limiting"):
//
//	cd redislimit && go run ./internal/cmd/ratebench -limiter redis -procs 4
//
// Without -redis it starts a redis-server from PATH on a free loopback port
// (no persistence) and stops it at the end.
package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"strconv"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/internal/ratebench"
	"github.com/chatadmin/chatadmin-go/redislimit"
	"github.com/redis/go-redis/v9"
)

func main() {
	modes := maps.Clone(ratebench.Modes)
	modes["redis"] = sharedLimiter
	os.Exit(ratebench.Main(os.Args[1:], os.Stdout, os.Stderr, modes, startRedis))
}

// sharedLimiter is one process's limiter on the run's key.
func sharedLimiter(env ratebench.Env) (chatadmin.Limiter, func(), error) {
	rdb := redis.NewClient(&redis.Options{Addr: env.Redis})
	lim, err := redislimit.New(rdb, redislimit.Config{Key: env.RedisKey, Rate: env.Rate, Replicas: env.Procs})
	if err != nil {
		_ = rdb.Close()
		return nil, nil, err
	}
	return lim, func() { _ = rdb.Close() }, nil
}

// startRedis starts a redis-server for -limiter redis without -redis.
func startRedis(cfg *ratebench.Config) (func(), error) {
	if cfg.Limiter != "redis" || cfg.Redis != "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting redis-server (or pass -redis): %w", err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	cfg.Redis = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	rdb := redis.NewClient(&redis.Options{Addr: cfg.Redis})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if rdb.Ping(context.Background()).Err() == nil {
			return stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return nil, errors.New("redis-server did not answer within 10 s")
		}
	}
}
