package pac

import (
	"math"
	"testing"
)

func TestPACStringToNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // NaN means NaN
	}{
		{"", 0}, {"  ", 0}, {"12", 12}, {" 12 ", 12}, {"\t\n12\u00a0", 12}, {"-3", -3}, {"+3", 3},
		{"1.5", 1.5}, {".5", 0.5}, {"5.", 5}, {"1e3", 1000}, {"1E-1", 0.1},
		{"0x10", 16}, {"0X1f", 31}, {"0o17", 15}, {"0b101", 5}, {"010", 10},
		{"Infinity", math.Inf(1)}, {"-Infinity", math.Inf(-1)},
		{"0x", math.NaN()}, {"0x1g", math.NaN()}, {"-0x10", math.NaN()}, {"12px", math.NaN()},
		{"inf", math.NaN()}, {"NaN", math.NaN()}, {"1_000", math.NaN()}, {"0x1p3", math.NaN()},
		{"--1", math.NaN()}, {"e5", math.NaN()}, {"1e", math.NaN()}, {".", math.NaN()},
	}
	for _, tt := range tests {
		got := pacStringToNumber(tt.in)
		if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && got != tt.want {
			t.Errorf("ToNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPACParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true}, {"  12abc", 12, true}, {"-7", -7, true}, {"+7", 7, true},
		{"0x1F", 31, true}, {"08", 8, true}, {"3.9", 3, true}, {"2009", 2009, true},
		{"MAR", 0, false}, {"", 0, false}, {"-", 0, false}, {"0x", 0, false}, {"undefined", 0, false},
	}
	for _, tt := range tests {
		got, ok := pacParseInt(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseInt(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPACToInt32(t *testing.T) {
	for in, want := range map[float64]int32{
		0: 0, 1.9: 1, -1.9: -1, 4294967295: -1, 4294967296: 0, 2147483648: -2147483648,
		-4294967297: -1, math.NaN(): 0, math.Inf(1): 0, 1e20: 1661992960,
	} {
		if got := pacToInt32(in); got != want {
			t.Errorf("ToInt32(%v) = %d, want %d", in, got, want)
		}
	}
}
