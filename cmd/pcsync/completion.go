package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// cmdCompletion is 'pcsync completion bash': a bash completion script
// written from run's flag set, so it names every flag there is.
func (a *app) cmdCompletion(ctx context.Context, args []string) int {
	if len(args) != 1 || args[0] != "bash" {
		return a.fail(ctx, usagef("usage: pcsync completion bash (then: source <(pcsync completion bash))"))
	}
	writeBashCompletion(a.stdout)
	return exitOK
}

// writeBashCompletion writes the script. Flags that take a value complete
// the values they accept where there is a short list (actions, log
// formats), file names for paths, and nothing for the others;
// a word that is not a flag completes as a file name.
func writeBashCompletion(w io.Writer) {
	fs, _, _ := newRunFlags()
	var flags, valued []string
	fs.VisitAll(func(f *flag.Flag) {
		flags = append(flags, "--"+f.Name)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			valued = append(valued, "--"+f.Name)
		}
	})
	sort.Strings(flags)
	choices := []struct{ flags, words string }{
		{"--action", strings.ReplaceAll(actionNames(), ",", "")},
		{"--log-format", "text json"},
	}
	fmt.Fprint(w, `# bash completion for pcsync. Load it with:
#   source <(pcsync completion bash)
# or save it as /etc/bash_completion.d/pcsync.
_pcsync() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "run report sandbox completion version help" -- "$cur"))
        return
    fi
    case ${COMP_WORDS[1]} in
    help) COMPREPLY=($(compgen -W "run report sandbox" -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W "bash" -- "$cur")); return ;;
    run) ;;
    *) return ;;
    esac
    case $prev in
`)
	for _, c := range choices {
		fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", c.flags, c.words)
	}
	fmt.Fprint(w, `    --out|--failed|--shop-secret-file|--summary-json|--state) COMPREPLY=($(compgen -f -- "$cur")); return ;;
`)
	fmt.Fprintf(w, "    %s)\n        compopt +o default 2>/dev/null; COMPREPLY=(); return ;;\n    esac\n", strings.Join(valued, "|"))
	fmt.Fprintf(w, `    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W %q -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o default -F _pcsync pcsync
`, strings.Join(flags, " "))
}
