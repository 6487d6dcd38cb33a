package cmdutil

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// envAnnotation is the flag annotation naming its environment variable.
const envAnnotation = "cmdutil_env"

// BindEnv finishes c once its flags are defined: each flag is read from
// its environment variable, EnvName(prefix, its name) unless names names
// another, when the command line does not set it (ApplyEnv), and its help
// names the variable. Its value completes as the words its Value offers
// (Completion), as file names when its help calls it a PATH, else as
// nothing. Flags are listed in the order they were defined.
func BindEnv(c *cobra.Command, prefix string, names map[string]string) {
	c.Flags().SortFlags = false
	c.Flags().VisitAll(func(f *pflag.Flag) {
		key := cmp.Or(names[f.Name], EnvName(prefix, f.Name))
		f.Usage += " (env " + key + ")"
		f.Annotations = map[string][]string{envAnnotation: {key}}
		ch, _ := f.Value.(interface{ Completion() []string })
		switch arg, _ := pflag.UnquoteUsage(f); {
		case arg == "": // a bool
		case ch != nil && len(ch.Completion()) > 0:
			c.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(ch.Completion(), cobra.ShellCompDirectiveNoFileComp))
		case arg == "PATH":
			c.MarkFlagFilename(f.Name)
		default:
			c.RegisterFlagCompletionFunc(f.Name, cobra.NoFileCompletions)
		}
	})
}

// ApplyEnv sets every flag of fs that the command line did not set from
// its environment variable, read with getenv, when that is not empty. Its
// error names the variable and says what the flag wants.
func ApplyEnv(fs *pflag.FlagSet, getenv func(string) string) (err error) {
	fs.VisitAll(func(f *pflag.Flag) {
		key := Env(f)
		if v := getenv(key); key != "" && v != "" && !f.Changed && err == nil {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s=%q: %s", key, v, Wanted(f, serr))
			}
		}
	})
	return err
}

// Env is the environment variable that stands in for f; "" for none.
func Env(f *pflag.Flag) string {
	if keys := f.Annotations[envAnnotation]; len(keys) == 1 {
		return keys[0]
	}
	return ""
}

// EnvName is the environment variable that stands in for the flag named
// flag: prefix, then the name in upper case with '_' for '-'.
func EnvName(prefix, flag string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}
