package pac

import (
	"errors"
	"math"
	"time"
)

// The date and time helpers follow the behaviour of the helper library
// Chromium and Firefox share (documented by their tests and MDN), written
// here in Go. Local time is the location of the clock's time; a trailing
// "GMT" argument switches to UTC. Day and month names are upper case only.

var errTimeRangeArgs = errors.New("timeRange: bad number of arguments")

func pacWeekday(name string) int {
	switch name {
	case "SUN":
		return 0
	case "MON":
		return 1
	case "TUE":
		return 2
	case "WED":
		return 3
	case "THU":
		return 4
	case "FRI":
		return 5
	case "SAT":
		return 6
	}
	return -1
}

func pacMonth(name string) int {
	switch name {
	case "JAN":
		return 0
	case "FEB":
		return 1
	case "MAR":
		return 2
	case "APR":
		return 3
	case "MAY":
		return 4
	case "JUN":
		return 5
	case "JUL":
		return 6
	case "AUG":
		return 7
	case "SEP":
		return 8
	case "OCT":
		return 9
	case "NOV":
		return 10
	case "DEC":
		return 11
	}
	return -1
}

// pacWeekdayRange is weekdayRange(wd1[, wd2][, "GMT"]): inclusive, and a
// reversed range wraps around the week ("SAT","WED" holds on a Tuesday).
// An unknown day name makes it false.
func pacWeekdayRange(now time.Time, args []pacValue) bool {
	argc := len(args)
	if argc < 1 {
		return false
	}
	if args[argc-1].isGMT() {
		argc--
		now = now.UTC()
	}
	wday := int(now.Weekday())
	wd1 := pacWeekday(args[0].str)
	wd2 := wd1
	if argc == 2 {
		wd2 = pacWeekday(args[1].str)
	}
	if wd1 < 0 || wd2 < 0 {
		return false
	}
	if wd1 <= wd2 {
		return wd1 <= wday && wday <= wd2
	}
	return wday >= wd1 || wday <= wd2
}

// pacDateRange is dateRange(...). One argument is a day of the month
// (below 32), a year (32 and above) or a month name. Otherwise the first
// half of the arguments sets fields of the start (default: 1 January
// 00:00:00 of this year) and the second half those of the end (default:
// 31 December 23:59:59), each field set in order with JavaScript Date's
// overflow rules; a range of days alone is in this month; a reversed range
// wraps. Chromium's tests pin the overflow quirks this keeps: on 3 March
// 2009, dateRange(3, "FEB", 2009) is true, because 31 February overflows
// to 3 March.
func pacDateRange(now time.Time, args []pacValue) bool {
	argc := len(args)
	if argc < 1 {
		return false
	}
	gmt := args[argc-1].isGMT()
	if gmt {
		argc--
	}
	cmp := now
	if gmt {
		cmp = now.UTC()
	}
	if argc == 1 {
		n, ok := pacParseInt(args[0].str)
		switch {
		case !ok:
			m := pacMonth(args[0].str)
			return m >= 0 && int(cmp.Month())-1 == m
		case n < 32:
			return float64(cmp.Day()) == n
		default:
			return float64(cmp.Year()) == n
		}
	}
	// Wall-clock values are held in UTC, which has no daylight-saving gaps.
	year := now.Year()
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year, time.December, 31, 23, 59, 59, 0, time.UTC)
	adjustMonth := false
	half := argc / 2
	ok := true
	for i := 0; i < argc && ok; i++ {
		d := &start
		if i >= half {
			d = &end
		}
		n, isNum := pacParseInt(args[i].str)
		switch {
		case !isNum:
			*d, ok = pacSetDate(*d, pacSetMonth, float64(pacMonth(args[i].str)))
		case n < 32:
			if i < half {
				adjustMonth = argc <= 2
			}
			*d, ok = pacSetDate(*d, pacSetDay, n)
		default:
			*d, ok = pacSetDate(*d, pacSetYear, n)
		}
	}
	if !ok {
		return false
	}
	if adjustMonth {
		m := int(now.Month()) - 1
		start, _ = pacSetDate(start, pacSetMonth, float64(m))
		end, _ = pacSetDate(end, pacSetMonth, float64(m))
	}
	if !pacDateValid(start) || !pacDateValid(end) {
		return false
	}
	ms := cmp.Nanosecond() / 1e6 * 1e6
	at := time.Date(cmp.Year(), cmp.Month(), cmp.Day(), cmp.Hour(), cmp.Minute(), cmp.Second(), ms, time.UTC)
	if !start.After(end) {
		return !at.Before(start) && !at.After(end)
	}
	return !end.Before(at) || !at.Before(start)
}

// pacDateField names the JavaScript Date setter pacSetDate applies.
type pacDateField int

const (
	pacSetYear  pacDateField = iota // setFullYear
	pacSetMonth                     // setMonth, 0-based; -1 is December of the year before
	pacSetDay                       // setDate; 0 is the last day of the month before
)

// pacSetDate applies one JavaScript Date setter to a wall-clock time, with
// the same overflow rules (31 February is 3 March). It reports false for
// values JavaScript turns into an invalid date.
func pacSetDate(t time.Time, field pacDateField, v float64) (time.Time, bool) {
	v, ok := pacToInteger(v)
	if !ok || math.Abs(v) > 1e8 {
		return t, false
	}
	y, m, d := t.Year(), int(t.Month())-1, t.Day()
	switch field {
	case pacSetYear:
		y = int(v)
	case pacSetMonth:
		m = int(v)
	case pacSetDay:
		d = int(v)
	}
	return time.Date(y, time.Month(m+1), d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC), true
}

// pacDateValid is JavaScript's range of valid dates (±8.64e15 ms).
func pacDateValid(t time.Time) bool {
	return t.Year() > -271821 && t.Year() < 275760
}

// pacTimeRange is timeRange(...):
//
//	timeRange(h)                    the hour is h
//	timeRange(h1, h2)               h1 <= hour <= h2, never wrapping midnight
//	timeRange(h1, m1, h2, m2)       inclusive to the minute; reversed wraps
//	timeRange(h1, m1, s1, h2, m2, s2)  inclusive to the second; reversed wraps
//
// each optionally followed by "GMT". Other argument counts throw, as in
// Chromium. Only the time of day is compared: the library Chromium uses
// also compares the date, which makes the "GMT" form wrong for an hour or
// more a day when the UTC date differs from the local one.
func pacTimeRange(now time.Time, args []pacValue) (bool, error) {
	argc := len(args)
	if argc < 1 {
		return false, nil
	}
	if args[argc-1].isGMT() {
		argc--
		now = now.UTC()
	}
	hour := float64(now.Hour())
	switch argc {
	case 1:
		a := args[0]
		return !a.null && !a.undefined && hour == a.num, nil
	case 2:
		return args[0].num <= hour && hour <= args[1].num, nil
	case 4, 6:
	default:
		return false, errTimeRangeArgs
	}
	var f [6]float64
	for i := 0; i < argc; i++ {
		v, ok := pacToInteger(args[i].num)
		if !ok {
			return false, nil
		}
		f[i] = v
	}
	var start, end, at float64
	if argc == 4 {
		start, end = f[0]*60+f[1], f[2]*60+f[3]
		at = hour*60 + float64(now.Minute())
	} else {
		start, end = f[0]*3600+f[1]*60+f[2], f[3]*3600+f[4]*60+f[5]
		at = hour*3600 + float64(now.Minute()*60+now.Second())
	}
	if start <= end {
		return start <= at && at <= end, nil
	}
	return at >= start || at <= end, nil
}
