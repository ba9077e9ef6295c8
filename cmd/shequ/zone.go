package main

import (
	"flag"
	"fmt"
	"os"
	"time"
	_ "time/tzdata" // the zone database, for servers installed without one

	"shequ/internal/database"
)

// ZoneEnv names the environment variable with the deployment's time zone.
const ZoneEnv = "SHEQU_TZ"

// defaultZone is where the platform is deployed unless told otherwise.
const defaultZone = "Asia/Shanghai"

// zoneFlag adds --tz to a command's flags and returns what reads the
// deployment's time zone once the flags are parsed: the flag, else
// $SHEQU_TZ, else Asia/Shanghai. Every time a person reads — on a page, in a
// PDF, in a listing — is shown in it.
func zoneFlag(fs *flag.FlagSet) func() (*time.Location, error) {
	name := fs.String("tz", "", "显示时间所用的时区(IANA 名称,如 Asia/Shanghai、Asia/Urumqi;默认取环境变量 "+ZoneEnv+",再默认 "+defaultZone+")")
	return func() (*time.Location, error) { return loadZone(*name, os.Getenv(ZoneEnv)) }
}

// loadZone resolves the setting: flag, then environment, then the default.
func loadZone(flagValue, env string) (*time.Location, error) {
	name, from := flagValue, "--tz"
	if name == "" {
		name, from = env, ZoneEnv
	}
	if name == "" {
		name = defaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%s 的时区 %q 无效:请用 IANA 时区名,如 Asia/Shanghai", from, name)
	}
	return loc, nil
}

// clock shows a stored time (database.TimeLayout, UTC) to the minute in
// zone; "" stays "".
func clock(zone *time.Location, stored string) string {
	t := database.ParseTime(stored)
	if t.IsZero() {
		return stored
	}
	return t.In(zone).Format("2006-01-02 15:04")
}
