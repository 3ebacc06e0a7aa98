package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// profile is one named set of connection settings.
type profile struct {
	BaseURL string `json:"base_url,omitempty" yaml:"base_url,omitempty"`
	Region  string `json:"region,omitempty" yaml:"region,omitempty"`
	Token   string `json:"token,omitempty" yaml:"token,omitempty"`
}

// configFile is the file in os.UserConfigDir()/chatadmin/config. It is
// read as JSON or YAML (YAML is a superset of JSON) and written as YAML.
type configFile struct {
	Current  string              `json:"current,omitempty" yaml:"current,omitempty"`
	Profiles map[string]*profile `json:"profiles,omitempty" yaml:"profiles,omitempty"`
}

// configPath is where profiles live; $CHATADMIN_CONFIG overrides it.
func (a *app) configPath() (string, error) {
	if p := a.getenv("CHATADMIN_CONFIG"); p != "" {
		return p, nil
	}
	dir := a.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", usageErrorf("config: %v", err)
		}
		dir = d
	}
	return filepath.Join(dir, "chatadmin", "config"), nil
}

// loadConfig reads the config file; a missing file is an empty config. A
// file that holds a token and that the group or others may read is refused,
// as ssh refuses such a private key: the token would already have leaked to
// every account on the machine, and saying so is the useful thing to do.
func (a *app) loadConfig() (*configFile, string, error) {
	path, err := a.configPath()
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &configFile{Profiles: map[string]*profile{}}, path, nil
	}
	if err != nil {
		return nil, path, usageErrorf("config: %v", err)
	}
	var cfg configFile
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		// The parser's message quotes the text it choked on, which may be
		// a token: say where, never what.
		where := ""
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			where = " at line " + m[1]
		}
		return nil, path, usageErrorf("config %s: not valid YAML or JSON%s (see chatadmin config --help for its shape)", path, where)
	}
	if cfg.Profiles == nil {
		cfg.Profiles = map[string]*profile{}
	}
	for _, p := range cfg.Profiles {
		if p != nil && p.Token != "" {
			if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
				return nil, path, usageErrorf("config %s holds a token and is readable by others (mode %04o): run chmod 600 %s", path, st.Mode().Perm(), path)
			}
			break
		}
	}
	return &cfg, path, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// saveConfig writes cfg to path with mode 0600, through a temporary file
// renamed into place so that a crash never leaves half a config.
func saveConfig(cfg *configFile, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// configCmd is `chatadmin config`: profiles.
func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Manage connection profiles",
		Long: `Profiles are named connection settings (base URL or region, and a token) kept in
os.UserConfigDir()/chatadmin/config ($XDG_CONFIG_HOME/chatadmin/config on Linux,
or $CHATADMIN_CONFIG), mode 0600. A file holding a token that others can read
is refused. Select one with --profile NAME or $CHATADMIN_PROFILE; "config use"
sets the default; "config view" shows which settings a command would use
and where each came from. The file's shape (YAML; JSON is read too):

  current: prod
  profiles:
    prod:
      region: eu          # or base_url: https://...
      token: ...          # set with --token-file, never shown`}
	var p profile
	var tokenFile string
	set := &cobra.Command{Use: "set-profile NAME", Short: "Create or change a profile",
		Example: "  chatadmin config set-profile prod --region eu --token-file ~/prod.token",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, path, err := a.loadConfig()
			if err != nil {
				return err
			}
			cur := cfg.Profiles[args[0]]
			if cur == nil {
				cur = &profile{}
				cfg.Profiles[args[0]] = cur
			}
			if cmd.Flags().Changed("base-url") {
				cur.BaseURL, cur.Region = p.BaseURL, ""
			}
			if cmd.Flags().Changed("region") {
				cur.Region, cur.BaseURL = p.Region, ""
			}
			if tokenFile != "" {
				tok, err := readTokenFile(tokenFile)
				if err != nil {
					return err
				}
				cur.Token = tok
			}
			if cfg.Current == "" {
				cfg.Current = args[0]
			}
			if err := saveConfig(cfg, path); err != nil {
				return fmt.Errorf("config: %w", err)
			}
			fmt.Fprintf(a.stderr, "profile %s saved in %s\n", args[0], path)
			return nil
		}}
	// These shadow the global flags of the same names: here they are what
	// to store, not what to connect to.
	set.Flags().StringVar(&p.BaseURL, "base-url", "", "the API base URL to store")
	set.Flags().StringVar(&p.Region, "region", "", "the region to store (us, eu or sg)")
	set.Flags().StringVar(&tokenFile, "token-file", "", "read the token to store from this file")
	set.MarkFlagsMutuallyExclusive("base-url", "region")

	list := &cobra.Command{Use: "list-profiles", Short: "List the profiles (never their tokens)", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := a.loadConfig()
			if err != nil {
				return err
			}
			type row struct {
				Name    string `json:"name"`
				Current bool   `json:"current"`
				BaseURL string `json:"baseUrl,omitempty"`
				Region  string `json:"region,omitempty"`
				Token   bool   `json:"hasToken"`
			}
			names := make([]string, 0, len(cfg.Profiles))
			for n := range cfg.Profiles {
				names = append(names, n)
			}
			slices.Sort(names)
			rows := []row{}
			for _, n := range names {
				p := cfg.Profiles[n]
				if p == nil {
					p = &profile{}
				}
				rows = append(rows, row{n, n == cfg.Current, p.BaseURL, p.Region, p.Token != ""})
			}
			return a.print(rows, cols("NAME", "name", "CURRENT", "current", "BASE URL", "baseUrl", "REGION", "region", "TOKEN", "hasToken"))
		}}
	use := &cobra.Command{Use: "use NAME", Short: "Make a profile the default", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, path, err := a.loadConfig()
			if err != nil {
				return err
			}
			if cfg.Profiles[args[0]] == nil {
				return usageErrorf("no profile %q (have: %s)", args[0], strings.Join(sortedKeys(cfg.Profiles), ", "))
			}
			cfg.Current = args[0]
			if err := saveConfig(cfg, path); err != nil {
				return fmt.Errorf("config: %w", err)
			}
			fmt.Fprintf(a.stderr, "default profile is now %s\n", args[0])
			return nil
		}}
	del := &cobra.Command{Use: "delete-profile NAME", Short: "Delete a profile (and its token) from the config", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, path, err := a.loadConfig()
			if err != nil {
				return err
			}
			if _, ok := cfg.Profiles[args[0]]; !ok {
				return usageErrorf("no profile %q (have: %s)", args[0], strings.Join(sortedKeys(cfg.Profiles), ", "))
			}
			delete(cfg.Profiles, args[0])
			if cfg.Current == args[0] {
				cfg.Current = ""
			}
			if err := saveConfig(cfg, path); err != nil {
				return fmt.Errorf("config: %w", err)
			}
			fmt.Fprintf(a.stderr, "profile %s deleted from %s\n", args[0], path)
			return nil
		}}
	current := &cobra.Command{Use: "current", Short: "Print the name of the profile a command would use", Args: exactArgs(0),
		Long: `Print the name of the profile a command would use with these flags and this
environment. When the connection comes from flags or from $CHATADMIN_BASE_URL
and $CHATADMIN_TOKEN, no profile is used: that is said on stderr, with exit
status 2.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.resolve()
			if st.profile != "" && (err == nil || st.source == "profile") {
				fmt.Fprintln(a.stdout, st.profile)
				return err
			}
			if err != nil {
				return err
			}
			return usageErrorf("no profile in use: the connection comes from the %s (see chatadmin config view)", st.source)
		}}
	view := &cobra.Command{Use: "view", Short: "Show the settings a command would use and where each came from (token redacted)", Args: exactArgs(0),
		Example: "  chatadmin config view\n  chatadmin --profile prod config view",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.resolve()
			if st.configPath == "" {
				st.configPath, _ = a.configPath()
			}
			st.configFrom = "default"
			if a.getenv("CHATADMIN_CONFIG") != "" {
				st.configFrom = "$CHATADMIN_CONFIG"
			}
			if perr := a.print(st.rows(), cols("SETTING", "setting", "VALUE", "value", "SOURCE", "source")); perr != nil {
				return perr
			}
			return err
		}}
	cmd.AddCommand(set, list, use, del, current, view)
	return cmd
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
