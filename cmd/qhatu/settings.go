package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// settings registers the shop's settings, each a flag and a QHATU_*
// variable parsed by the same strict function: a value that does not
// parse stops the start with a message naming the flag or variable and
// what it accepts, instead of falling back to the default. A flag wins
// over the variable.
type settings struct {
	fs   *flag.FlagSet
	vars []envSetting
}

type envSetting struct {
	name  string
	value flag.Value
}

// setting is a flag.Value that parses its text with parse.
type setting[T any] struct {
	p      *T
	parse  func(string) (T, error)
	text   string
	isBool bool
}

func (v *setting[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p, v.text = x, s
	return nil
}

func (v *setting[T]) String() string {
	if v == nil {
		return ""
	}
	return v.text
}

// IsBoolFlag lets a boolean flag stand alone (-seed-demo).
func (v *setting[T]) IsBoolFlag() bool { return v.isBool }

// add registers a setting with its default, which must parse.
func add[T any](s *settings, p *T, parse func(string) (T, error), flagName, env, def, usage string) *setting[T] {
	v := &setting[T]{p: p, parse: parse}
	if err := v.Set(def); err != nil {
		panic(fmt.Sprintf("default of -%s: %v", flagName, err))
	}
	s.fs.Var(v, flagName, usage+" ("+env+")")
	s.vars = append(s.vars, envSetting{env, v})
	return v
}

func (s *settings) str(p *string, flagName, env, def, usage string) {
	add(s, p, func(v string) (string, error) { return v, nil }, flagName, env, def, usage)
}

func (s *settings) boolean(p *bool, flagName, env string, def bool, usage string) {
	add(s, p, parseBool, flagName, env, strconv.FormatBool(def), usage).isBool = true
}

// integer accepts whole numbers from min to max.
func (s *settings) integer(p *int, flagName, env string, def, min, max int, usage string) {
	add(s, p, func(v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min || n > max {
			return 0, fmt.Errorf("must be a whole number from %d to %d, got %q", min, max, v)
		}
		return n, nil
	}, flagName, env, strconv.Itoa(def), usage)
}

// duration accepts Go durations (90s, 15m, 2h) of at least min.
func (s *settings) duration(p *time.Duration, flagName, env, def string, min time.Duration, usage string) {
	add(s, p, func(v string) (time.Duration, error) {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < min {
			what := "a positive duration"
			if min <= 0 {
				what = "a duration (0 turns it off)"
			}
			return 0, fmt.Errorf("must be %s like 30s, 15m or 2h, got %q", what, v)
		}
		return d, nil
	}, flagName, env, def, usage)
}

// oneOf accepts one of the choices (in any case).
func (s *settings) oneOf(p *string, flagName, env, def string, choices []string, usage string) {
	add(s, p, func(v string) (string, error) {
		for _, c := range choices {
			if strings.EqualFold(strings.TrimSpace(v), c) {
				return c, nil
			}
		}
		return "", fmt.Errorf("must be %s, got %q", orList(choices), v)
	}, flagName, env, def, usage)
}

// url accepts an absolute URL with one of the schemes and a host; empty
// only when allowEmpty.
func (s *settings) url(p *string, flagName, env, def string, schemes []string, allowEmpty bool, usage string) {
	add(s, p, func(v string) (string, error) {
		if v == "" && allowEmpty {
			return "", nil
		}
		want := "a URL starting with " + orList(suffixed(schemes, "://"))
		if allowEmpty {
			want += ", or empty"
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
			// Never echo the value: a database or SMTP URL holds a password.
			return "", errors.New("must be " + want)
		}
		return v, nil
	}, flagName, env, def, usage)
}

// parse applies the variables that are set, then the flags in args.
// Every variable that does not parse is reported, not just the first.
func (s *settings) parse(lookup func(string) (string, bool), args []string) error {
	var errs []error
	for _, v := range s.vars {
		if text, ok := lookup(v.name); ok {
			if err := v.value.Set(text); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", v.name, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return s.fs.Parse(args)
}

// parseBool accepts what strconv.ParseBool does (true, false, 1, 0, t, f).
func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("must be true or false, got %q", v)
	}
	return b, nil
}

func orList(choices []string) string {
	if len(choices) == 1 {
		return choices[0]
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}

func suffixed(list []string, suffix string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s + suffix
	}
	return out
}
