package app

import (
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
)

func TestEscalationLevel(t *testing.T) {
	pol := configs.EscalationPolicy{Steps: []configs.EscalationStep{{After: 5 * time.Minute}, {After: 15 * time.Minute}},
		Repeat: 2, RepeatEvery: 10 * time.Minute}
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for age, want := range map[time.Duration]int{0: 0, 4 * time.Minute: 0, 5 * time.Minute: 1, 14 * time.Minute: 1,
		15 * time.Minute: 2, 24 * time.Minute: 2, 25 * time.Minute: 3, 35 * time.Minute: 4, 3 * time.Hour: 4} {
		if got := escalationLevel(pol, t0, t0.Add(age)); got != want {
			t.Errorf("at %v: level %d, want %d", age, got, want)
		}
	}
}
