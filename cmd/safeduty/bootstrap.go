package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/org"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// bootstrap creates the root of a real (non-demo) deployment: the district, its safety
// office, and the first administrator, whose one-time password is printed.
func bootstrap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbc, files := dbFlags(fs)
	district := fs.String("district", "", "name of the district, e.g. 临江区 (required)")
	code := fs.String("code", "", "administrative division code of the district, e.g. 330100 (required)")
	office := fs.String("office", "区应急管理局（区安委办）", "name of the safety office unit")
	admin := fs.String("admin", "admin", "username of the first administrator")
	if _, err := parsePositional(fs, args, 0, "safeduty bootstrap --district NAME --code CODE [--admin USER] [--db URL | --data DIR]"); err != nil {
		return err
	}
	if strings.TrimSpace(*district) == "" || strings.TrimSpace(*code) == "" {
		return errors.New("bootstrap needs --district and --code")
	}
	a, err := app.New(ctx, app.Config{DB: *dbc, Files: filesDir(*files, dbc)})
	if err != nil {
		return err
	}
	defer a.Close()
	sys := auth.System()
	kind, cat := org.KindDistrict, "district"
	did, err := a.Org.CreateOrg(ctx, sys, org.OrgInput{Kind: &kind, Category: &cat, Name: district, Code: code})
	if err != nil {
		return fmt.Errorf("create district: %w", err)
	}
	unit, dept := org.KindUnit, "department"
	officeCode := *code + "-AJ"
	oid, err := a.Org.CreateOrg(ctx, sys, org.OrgInput{ParentID: &did, Kind: &unit, Category: &dept, Name: office, Code: &officeCode})
	if err != nil {
		return fmt.Errorf("create safety office: %w", err)
	}
	must := true
	name := "平台管理员"
	pw := oneTimePassword()
	for auth.CheckPasswordRules(pw, *admin, name, *office) != "" { // a random one fails almost never
		pw = oneTimePassword()
	}
	err = a.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := a.Auth.CreateUser(ctx, tx, sys, auth.UserInput{Username: admin, DisplayName: &name, Password: &pw, OrgID: &oid,
			Roles: []auth.Role{auth.Admin, auth.SafetyOffice}, MustChangePassword: &must})
		return err
	})
	if err != nil {
		return fmt.Errorf("create administrator: %w", err)
	}
	fmt.Fprintf(stdout, "Created %s (%s) and its safety office.\nAdministrator %q has the one-time password:  %s\nIt must be changed at first sign-in.\n", *district, *code, *admin, pw)
	return nil
}

func oneTimePassword() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return s[:8] + "-" + s[8:] + "7"
}
