package slots

import (
	"encoding/json"
	"strings"
	"testing"
)

type item struct {
	ID string `json:"id"`
}

type slot struct {
	item
	Marker
}

func (s *slot) Open() (*item, bool) { return &s.item, s.Seen() }

func valid(i *item) bool { return i.ID != "" }

func decode(t *testing.T, body string) *[N]slot {
	t.Helper()
	a := New[slot]()
	if err := json.Unmarshal([]byte(body), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestItems(t *testing.T) {
	got, err := Items(decode(t, `[{"id":"a"},{"id":"b"}]`), "item", false, valid)
	if err != nil || len(got) != 2 || got[1].ID != "b" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := Items(decode(t, `[{"id":"a"},{}]`), "item", false, valid); err == nil {
		t.Error("an element without an id passed")
	}
	long := "[" + strings.TrimSuffix(strings.Repeat(`{"id":"x"},`, N+50), ",") + "]"
	if _, err := Items(decode(t, long), "item", false, valid); err == nil {
		t.Errorf("a list of %d passed", N+50)
	}
	if got, err := Items(New[slot](), "item", true, valid); err != nil || got != nil {
		t.Errorf("an absent optional list: %v %v", got, err)
	}
	if _, err := Items[slot, item](nil, "item", false, valid); err == nil {
		t.Error("a null list passed")
	}
}
