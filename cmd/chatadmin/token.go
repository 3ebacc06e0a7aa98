package main

import (
	"fmt"
	"os"
	"strings"
)

// maxTokenFile bounds what a token file may hold: a token is a line, and a
// wrong path (a log, a binary) must not be read whole.
const maxTokenFile = 64 << 10

// readTokenFile reads a token from path. One trailing "\n" or "\r\n" is
// removed, as editors and `echo` leave them; any other control byte (a CR
// from a Windows editor in the middle, a second line, a NUL) is refused,
// since sending it would fail with a confusing 401 or, worse, be taken by a
// proxy as a header break.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", usageErrorf("token file: %v", err)
	}
	defer f.Close()
	buf := make([]byte, maxTokenFile+1)
	n, _ := readFull(f, buf)
	if n > maxTokenFile {
		return "", usageErrorf("token file %s: larger than %d bytes; it should hold one token", path, maxTokenFile)
	}
	tok, err := cleanToken(string(buf[:n]))
	if err != nil {
		return "", usageErrorf("token file %s: %v", path, err)
	}
	return tok, nil
}

// cleanToken trims one line ending and checks the rest is printable.
func cleanToken(s string) (string, error) {
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		s = t
	} else {
		s = strings.TrimSuffix(s, "\n")
	}
	if s == "" {
		return "", fmt.Errorf("empty")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("control byte 0x%02x at offset %d: a token is one line of printable characters (only one trailing newline is removed)", c, i)
		}
	}
	return s, nil
}

// readFull reads until buf is full or the reader ends.
func readFull(f *os.File, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
