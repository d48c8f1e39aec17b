package pac

import (
	"math"
	"testing"
	"time"
)

// args builds helper arguments: strings stay strings, ints become numbers.
func pacArgsOf(vs ...any) []pacValue {
	out := make([]pacValue, len(vs))
	for i, v := range vs {
		switch x := v.(type) {
		case string:
			out[i] = pacStr(x)
		case int:
			out[i] = pacNum(float64(x))
		case float64:
			out[i] = pacNum(x)
		case nil:
			out[i] = pacValueOf(nil)
		}
	}
	return out
}

// pacPlus2 is a zone east of UTC, so local and GMT days and hours differ.
var pacPlus2 = time.FixedZone("UTC+2", 2*3600)

func pacAt(zone *time.Location, y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, zone)
}

func TestPACWeekdayRange(t *testing.T) {
	tue := pacAt(time.UTC, 2026, time.November, 24, 12, 0, 0) // a Tuesday
	// 01:30 on Monday local is 23:30 on Sunday in UTC.
	monEarly := pacAt(pacPlus2, 2026, time.November, 23, 1, 30, 0)
	tests := []struct {
		now  time.Time
		args []pacValue
		want bool
	}{
		{tue, pacArgsOf("TUE"), true},
		{tue, pacArgsOf("MON"), false},
		{tue, pacArgsOf("MON", "FRI"), true},
		{tue, pacArgsOf("WED", "FRI"), false},
		{tue, pacArgsOf("SAT", "WED"), true},  // wraps around the week
		{tue, pacArgsOf("WED", "MON"), false}, // wraps, Tuesday outside
		{tue, pacArgsOf("TUE", "TUE"), true},
		{tue, pacArgsOf("SUN", "SAT"), true},
		{tue, pacArgsOf("tue"), false},        // names are upper case
		{tue, pacArgsOf("XYZ", "FRI"), false}, // unknown day
		{tue, pacArgsOf("MON", "XYZ"), false}, // unknown day
		{tue, pacArgsOf(), false},
		{tue, pacArgsOf("GMT"), false},
		{tue, pacArgsOf("TUE", "GMT"), true},
		{monEarly, pacArgsOf("MON"), true},
		{monEarly, pacArgsOf("MON", "GMT"), false},
		{monEarly, pacArgsOf("SUN", "GMT"), true},
		{monEarly, pacArgsOf("SAT", "SUN", "GMT"), true},
		{tue, pacArgsOf("TUE", "WED", "THU"), true}, // a third, non-GMT argument is ignored
	}
	for i, tt := range tests {
		if got := pacWeekdayRange(tt.now, tt.args); got != tt.want {
			t.Errorf("%d: weekdayRange(%v) at %v = %v, want %v", i, tt.args, tt.now, got, tt.want)
		}
	}
}

func TestPACDateRange(t *testing.T) {
	mar3 := pacAt(time.UTC, 2009, time.March, 3, 10, 0, 0)
	// 01:00 on 1 January 2027 local is 23:00 on 31 December 2026 in UTC.
	newYear := pacAt(pacPlus2, 2027, time.January, 1, 1, 0, 0)
	tests := []struct {
		now  time.Time
		args []pacValue
		want bool
	}{
		// One argument: day, month or year.
		{mar3, pacArgsOf(3), true},
		{mar3, pacArgsOf(4), false},
		{mar3, pacArgsOf("3"), true},
		{mar3, pacArgsOf("MAR"), true},
		{mar3, pacArgsOf("FEB"), false},
		{mar3, pacArgsOf("mar"), false},
		{mar3, pacArgsOf(2009), true},
		{mar3, pacArgsOf(2010), false},
		{mar3, pacArgsOf(31), false},
		{mar3, pacArgsOf(32), false}, // 32 and above are years
		// Ranges of days (this month), months, years.
		{mar3, pacArgsOf(1, 15), true},
		{mar3, pacArgsOf(4, 15), false},
		{mar3, pacArgsOf(3, 3), true},
		{mar3, pacArgsOf(28, 5), true}, // reversed: wraps
		{mar3, pacArgsOf(5, 2), false},
		{mar3, pacArgsOf("JAN", "MAR"), true},
		{mar3, pacArgsOf("APR", "DEC"), false},
		{mar3, pacArgsOf("NOV", "MAR"), true}, // wraps over the new year
		{mar3, pacArgsOf(2008, 2010), true},
		{mar3, pacArgsOf(2010, 2012), false},
		// Four and six arguments.
		{mar3, pacArgsOf(1, "MAR", 3, "MAR"), true},
		{mar3, pacArgsOf(4, "MAR", 10, "MAR"), false},
		{mar3, pacArgsOf(1, "JAN", 31, "DEC"), true},
		{mar3, pacArgsOf("FEB", 2009, "APR", 2009), true},
		{mar3, pacArgsOf("APR", 2009, "DEC", 2009), false},
		{mar3, pacArgsOf(1, "MAR", 2009, 3, "MAR", 2009), true},
		{mar3, pacArgsOf(4, "MAR", 2009, 1, "APR", 2010), false},
		{mar3, pacArgsOf(2, "MAR", 2008, 5, "MAR", 2010), true},
		// Chromium's test vectors for odd argument counts and the
		// 31 February overflow (crbug 827292).
		{mar3, pacArgsOf(4, "MAR", 2009), true},
		{mar3, pacArgsOf(3, "FEB", 2009), true},
		// Unknown month names are setMonth(-1): December of the year before.
		{mar3, pacArgsOf("XYZ", "DEC"), true},
		// GMT compares the UTC date.
		{newYear, pacArgsOf(1), true},
		{newYear, pacArgsOf(1, "GMT"), false},
		{newYear, pacArgsOf(31, "GMT"), true},
		{newYear, pacArgsOf("DEC", "GMT"), true},
		{newYear, pacArgsOf(2026, "GMT"), true},
		{newYear, pacArgsOf(2027), true},
		{mar3, pacArgsOf(), false},
		{mar3, pacArgsOf("GMT"), true}, // no range left: the whole year
	}
	for i, tt := range tests {
		if got := pacDateRange(tt.now, tt.args); got != tt.want {
			t.Errorf("%d: dateRange(%v) at %v = %v, want %v", i, tt.args, tt.now, got, tt.want)
		}
	}
}

func TestPACTimeRange(t *testing.T) {
	noon := pacAt(time.UTC, 2026, time.November, 24, 12, 0, 0)
	eleven := pacAt(time.UTC, 2026, time.November, 24, 23, 0, 0)
	oneAM := pacAt(time.UTC, 2026, time.November, 24, 1, 0, 0)
	edge := pacAt(time.UTC, 2026, time.November, 24, 9, 30, 59)
	// 01:30 local (UTC+2) is 23:30 UTC the day before.
	early := pacAt(pacPlus2, 2026, time.November, 24, 1, 30, 0)
	tests := []struct {
		now  time.Time
		args []pacValue
		want bool
	}{
		{noon, pacArgsOf(12), true},
		{noon, pacArgsOf(13), false},
		{noon, pacArgsOf("12"), true}, // loose equality
		{noon, pacArgsOf(nil), false},
		{noon, pacArgsOf(9, 17), true},
		{noon, pacArgsOf(12, 12), true},
		{noon, pacArgsOf(13, 17), false},
		// Two-argument ranges never wrap midnight.
		{eleven, pacArgsOf(22, 2), false},
		{oneAM, pacArgsOf(22, 2), false},
		// Four arguments: to the minute; reversed ranges wrap.
		{edge, pacArgsOf(9, 30, 10, 0), true},
		{edge, pacArgsOf(9, 31, 10, 0), false},
		{edge, pacArgsOf(8, 0, 9, 30), true}, // the end minute is inclusive (second 59)
		{edge, pacArgsOf(8, 0, 9, 29), false},
		{eleven, pacArgsOf(22, 0, 2, 0), true},
		{oneAM, pacArgsOf(22, 0, 2, 0), true},
		{noon, pacArgsOf(22, 0, 2, 0), false},
		// Six arguments: to the second.
		{edge, pacArgsOf(9, 30, 59, 9, 31, 0), true},
		{edge, pacArgsOf(9, 31, 0, 10, 0, 0), false},
		{edge, pacArgsOf(9, 0, 0, 9, 30, 58), false},
		{edge, pacArgsOf(23, 0, 0, 9, 30, 59), true}, // wraps
		// GMT: the UTC time of day.
		{early, pacArgsOf(1), true},
		{early, pacArgsOf(1, "GMT"), false},
		{early, pacArgsOf(23, "GMT"), true},
		{early, pacArgsOf(23, 0, 23, 59, "GMT"), true},
		{early, pacArgsOf(0, 0, 2, 0, "GMT"), false},
		{early, pacArgsOf(0, 0, 2, 0), true},
		// Non-numbers make the 4/6 forms false.
		{noon, pacArgsOf("x", 0, 23, 0), false},
		{noon, pacArgsOf(), false},
	}
	for i, tt := range tests {
		got, err := pacTimeRange(tt.now, tt.args)
		if err != nil || got != tt.want {
			t.Errorf("%d: timeRange(%v) at %v = %v, %v; want %v", i, tt.args, tt.now, got, err, tt.want)
		}
	}
	for _, bad := range [][]pacValue{pacArgsOf(1, 2, 3), pacArgsOf(1, 2, 3, 4, 5), pacArgsOf(1, 2, 3, 4, 5, 6, 7), pacArgsOf("GMT")} {
		if _, err := pacTimeRange(noon, bad); err == nil {
			t.Errorf("timeRange(%v): want an error for the argument count", bad)
		}
	}
}

func TestPACSetDate(t *testing.T) {
	base := time.Date(2009, time.December, 31, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		field pacDateField
		v     float64
		want  time.Time
		ok    bool
	}{
		{pacSetMonth, 1, time.Date(2009, time.March, 3, 23, 59, 59, 0, time.UTC), true}, // 31 Feb
		{pacSetMonth, -1, time.Date(2008, time.December, 31, 23, 59, 59, 0, time.UTC), true},
		{pacSetDay, 0, time.Date(2009, time.November, 30, 23, 59, 59, 0, time.UTC), true},
		{pacSetYear, 2012, time.Date(2012, time.December, 31, 23, 59, 59, 0, time.UTC), true},
		{pacSetYear, math.NaN(), base, false},
		{pacSetDay, math.Inf(1), base, false},
		{pacSetYear, 1e12, base, false},
	}
	for _, tt := range tests {
		got, ok := pacSetDate(base, tt.field, tt.v)
		if ok != tt.ok || ok && !got.Equal(tt.want) {
			t.Errorf("pacSetDate(%v, %v) = %v, %v; want %v, %v", tt.field, tt.v, got, ok, tt.want, tt.ok)
		}
	}
}
