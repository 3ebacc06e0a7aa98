package main

import (
	"fmt"
	"strings"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// envProfile names the profile to use when no flag does.
const envProfile = "CHATADMIN_PROFILE"

// settings is the connection a command will use, and where each part came
// from. A token and its address always come from one source (flags, the
// environment or one profile): taking the token from one place and the
// host from another is how one tenant's token reaches another's host.
type settings struct {
	source     string // "flags", "environment" or "profile"
	profile    string // the profile's name, for source "profile"
	profileBy  string // what named it: "--profile", "$CHATADMIN_PROFILE", "the config's current"
	baseURL    string
	region     string
	token      string
	addrFrom   string // where baseURL or region came from
	tokenFrom  string // where token came from ("" when there is none)
	configPath string // the config file read, if one was
	configFrom string // "$CHATADMIN_CONFIG" or "default"
	ignored    []string
}

// environmentHelp is the `chatadmin help environment` topic.
const environmentHelp = `chatadmin reads these environment variables:

  CHATADMIN_BASE_URL  the API base URL, e.g. https://api-eu.example.com
  CHATADMIN_TOKEN     the API token (used only together with CHATADMIN_BASE_URL)
  CHATADMIN_PROFILE   the profile to use (instead of the config's current one)
  CHATADMIN_CONFIG    the config file (default os.UserConfigDir()/chatadmin/config)
  XDG_CONFIG_HOME     on Linux, the directory of chatadmin/config (default ~/.config)
  HTTPS_PROXY, NO_PROXY  a proxy for the API's requests, as every Go program reads them

A command's token and its base URL always come from one source, the first
of these that is given:

  1. --profile NAME: the profile's base URL (or region) and token; the
     environment is ignored. Adding --base-url, --region or --token-file is
     refused.
  2. --base-url URL or --region R, with --token-file FILE: both must be
     given (under --dry-run, which sends no token, the address is enough).
  3. CHATADMIN_BASE_URL with CHATADMIN_TOKEN: both must be set.
  4. CHATADMIN_PROFILE: that profile.
  5. The config's current profile ("chatadmin config use NAME").

A token from one source with an address from another is refused: it is how
one tenant's token reaches another tenant's host. "chatadmin config view"
shows the source of each setting.
`

// environmentTopic is a help-only command: `chatadmin help environment`.
func environmentTopic() *cobra.Command {
	return &cobra.Command{Use: "environment", Short: "Environment variables, and which source of settings wins", Long: environmentHelp}
}

// resolve works out the connection from the flags, the environment and the
// config. Under --dry-run a missing token is no error: nothing is sent. The
// settings found so far are returned with the error, for config view.
func (a *app) resolve() (*settings, error) {
	s := &settings{}
	envAddr, envTok, envProf := a.getenv(chatadmin.EnvBaseURL), a.getenv(chatadmin.EnvToken), a.getenv(envProfile)
	flagAddr, flagTok := a.baseURL != "" || a.region != "", a.tokenFile != ""
	if a.baseURL != "" && a.region != "" {
		return s, usageErrorf("give --base-url or --region, not both")
	}
	ignoreEnv := func(why string) {
		for _, k := range []string{chatadmin.EnvBaseURL, chatadmin.EnvToken, envProfile} {
			if a.getenv(k) != "" {
				s.ignored = append(s.ignored, "$"+k+" ("+why+")")
			}
		}
	}
	switch {
	case a.profile != "":
		if flagAddr || flagTok {
			return s, usageErrorf("--profile %s gives both the base URL and the token: do not add --base-url, --region or --token-file (a token and its address come from one source)", a.profile)
		}
		ignoreEnv("--profile wins")
		return s, a.fromProfile(s, a.profile, "--profile")
	case flagAddr || flagTok:
		s.source = "flags"
		ignoreEnv("flags win")
		if a.baseURL != "" {
			s.baseURL, s.addrFrom = a.baseURL, "--base-url"
		} else if a.region != "" {
			s.region, s.addrFrom = a.region, "--region"
		}
		if flagTok {
			tok, err := readTokenFile(a.tokenFile)
			if err != nil {
				return s, err
			}
			s.token, s.tokenFrom = tok, "--token-file"
		}
		switch {
		case !flagAddr:
			return s, usageErrorf("--token-file gives the token but not the address: add --base-url or --region (neither $%s nor a profile is used with a token from a flag)", chatadmin.EnvBaseURL)
		case !flagTok && !a.dryRun:
			return s, usageErrorf("%s gives the address but not the token: add --token-file FILE (neither $%s nor a profile's token is sent to an address from a flag)", s.addrFrom, chatadmin.EnvToken)
		}
		return s, nil
	case envAddr != "" || envTok != "":
		s.source = "environment"
		if envAddr != "" {
			s.baseURL, s.addrFrom = envAddr, "$"+chatadmin.EnvBaseURL
		}
		if envTok != "" {
			tok, err := cleanToken(envTok)
			if err != nil {
				return s, usageErrorf("$%s: %v", chatadmin.EnvToken, err)
			}
			s.token, s.tokenFrom = tok, "$"+chatadmin.EnvToken
		}
		switch {
		case envProf != "":
			return s, usageErrorf("$%s and $%s/$%s are all set: unset one, or choose with --profile", envProfile, chatadmin.EnvBaseURL, chatadmin.EnvToken)
		case envAddr == "":
			return s, usageErrorf("$%s is set but $%s is not: set both (a profile's address is not used with a token from the environment)", chatadmin.EnvToken, chatadmin.EnvBaseURL)
		case envTok == "" && !a.dryRun:
			return s, usageErrorf("$%s is set but $%s is not: set both (a profile's token is not sent to an address from the environment)", chatadmin.EnvBaseURL, chatadmin.EnvToken)
		}
		return s, nil
	case envProf != "":
		return s, a.fromProfile(s, envProf, "$"+envProfile)
	}
	return s, a.fromProfile(s, "", "the config's current")
}

// fromProfile fills s from the profile name, or from the config's current
// profile when name is "".
func (a *app) fromProfile(s *settings, name, by string) error {
	s.source = "profile"
	cfg, path, err := a.loadConfig()
	s.configPath = path
	if err != nil {
		return err
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		return usageErrorf("no API address: give --base-url or --region with --token-file, set $%s and $%s, or make a profile (chatadmin config set-profile)", chatadmin.EnvBaseURL, chatadmin.EnvToken)
	}
	s.profile, s.profileBy = name, by
	p := cfg.Profiles[name]
	if p == nil {
		return usageErrorf("no profile %q in %s", name, path)
	}
	from := "profile " + name
	switch {
	case p.BaseURL != "":
		s.baseURL, s.addrFrom = p.BaseURL, from
	case p.Region != "":
		s.region, s.addrFrom = p.Region, from
	default:
		return usageErrorf("profile %s has no base URL or region: chatadmin config set-profile %s --base-url URL", name, name)
	}
	if p.Token != "" {
		s.token, s.tokenFrom = p.Token, from
	} else if !a.dryRun {
		return usageErrorf("profile %s has no token: chatadmin config set-profile %s --token-file FILE", name, name)
	}
	return nil
}

// viewRow is one line of `config view`.
type viewRow struct {
	Setting string `json:"setting"`
	Value   string `json:"value"`
	Source  string `json:"source"`
}

// rows lists the settings with their sources; the token is never shown.
func (s *settings) rows() []viewRow {
	var rows []viewRow
	add := func(k, v, from string) {
		if v != "" || from != "" {
			rows = append(rows, viewRow{k, v, from})
		}
	}
	if s.profile != "" {
		add("profile", s.profile, s.profileBy)
	}
	add("base-url", s.baseURL, map[bool]string{true: s.addrFrom}[s.baseURL != ""])
	add("region", s.region, map[bool]string{true: s.addrFrom}[s.region != ""])
	if s.tokenFrom != "" {
		add("token", fmt.Sprintf("(redacted, %d characters)", len(s.token)), s.tokenFrom)
	} else {
		add("token", "(none)", "")
	}
	add("config", s.configPath, s.configFrom)
	for _, ig := range s.ignored {
		k, why, _ := strings.Cut(ig, " (")
		add("ignored", k, strings.TrimSuffix(why, ")"))
	}
	return rows
}
