package readmecheck

import "strings"

// Span is one inline code span (`…`) of a Markdown file, outside fenced
// blocks. A span may run over several lines of a paragraph; its line
// breaks become spaces.
type Span struct {
	Line int    // the line where it starts
	Code string // its text, trimmed
}

// Spans returns the inline code spans of markdown, in order. A run of N
// backticks opens a span that the next run of exactly N backticks closes;
// a blank line or a fence before that leaves the run as text.
func Spans(markdown string) []Span {
	var out []Span
	lines := strings.Split(markdown, "\n")
	fence := ""
	// text gathers the lines of one paragraph, with the number of each.
	var text []string
	var nums []int
	flush := func() {
		out = append(out, paragraphSpans(text, nums)...)
		text, nums = text[:0], nums[:0]
	}
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			flush()
			fence = trimmed[:3]
			for len(fence) < len(trimmed) && trimmed[len(fence)] == fence[0] {
				fence += fence[:1]
			}
			continue
		case trimmed == "":
			flush()
			continue
		}
		text = append(text, line)
		nums = append(nums, i+1)
	}
	flush()
	return out
}

// paragraphSpans finds the spans of one paragraph.
func paragraphSpans(lines []string, nums []int) []Span {
	var out []Span
	joined := strings.Join(lines, "\n")
	lineAt := func(off int) int { return nums[strings.Count(joined[:off], "\n")] }
	for i := 0; i < len(joined); {
		if joined[i] != '`' {
			i++
			continue
		}
		n := run(joined, i)
		end := -1
		for j := i + n; j < len(joined); {
			if joined[j] != '`' {
				j++
				continue
			}
			m := run(joined, j)
			if m == n {
				end = j
				break
			}
			j += m
		}
		if end < 0 {
			i += n
			continue
		}
		code := strings.TrimSpace(strings.ReplaceAll(joined[i+n:end], "\n", " "))
		out = append(out, Span{Line: lineAt(i), Code: code})
		i = end + n
	}
	return out
}

// run is the length of the run of backticks at s[i:].
func run(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}
