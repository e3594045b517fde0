package main

import (
	"flag"
	"fmt"
	"strings"
)

// parseArgs parses the flags of fs wherever they stand among the arguments, as people
// type them ("safeduty backup out.tar --db …" as well as "safeduty backup --db … out.tar"),
// and returns the other arguments in order. Everything after "--" is an argument, even
// when it starts with a dash. The standard flag package stops at the first argument
// that is not a flag, which silently dropped the flags typed after the file.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if consumed := len(args) - len(left); consumed > 0 && args[consumed-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// parsePositional parses args with parseArgs and checks that there are exactly want
// other arguments, naming them in usage.
func parsePositional(fs *flag.FlagSet, args []string, want int, usage string) ([]string, error) {
	rest, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) != want {
		if len(rest) > want {
			return nil, fmt.Errorf("unexpected argument %q; usage: %s", strings.Join(rest[want:], " "), usage)
		}
		return nil, fmt.Errorf("usage: %s", usage)
	}
	return rest, nil
}
