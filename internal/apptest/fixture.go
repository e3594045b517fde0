package apptest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/enforcement"
	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/org"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/riskpoint"
	"github.com/safeduty/safeduty/internal/selfinspect"
)

// Fixture is a small district with two sibling towns, built through the real services:
//
//	测试区 ─ 区应急管理局 (admin), 区住建委 (dept: construction), 区政府 (leader), 区人大常委会 (reader)
//	├─ 东湖镇 (town01 at 东湖镇人民政府, head 孙东湖) ─ 东湖村, 湖滨社区: 3 grids each, one patroller each
//	└─ 西山镇 (town02 at 西山镇人民政府, head 周西山) ─ 西山村, 山前社区: 3 grids each, one patroller each
type Fixture struct {
	District   db.ID
	Units      map[string]db.ID // safety, construction, gov, congress, town1gov, town2gov
	Towns      [2]db.ID
	Villages   [2][2]db.ID
	Grids      [2][]db.ID // per town
	Patrollers [2][2]db.ID
	Leader     db.ID // 钱分管: deputy head in charge of construction, the person of UserLeader
	// TownHeads are each town's head (镇长, post kind town_head): 孙东湖 and 周西山.
	TownHeads [2]db.ID
	Users     map[string]db.ID
	Hazards   [2]db.ID // one reported hazard per town (construction in 东湖镇, fire in 西山镇)
	// Enterprises: one per town (construction), level-2 standardized so they start green;
	// UserEnt belongs to the first.
	Enterprises [2]db.ID

	// Samples holds, per town, one record id of each object kind found in that town
	// ("org", "grid", "person", "user", …); the scope walk requests them as the other town.
	Samples [2]map[string]string
	// Markers are strings found only in records of each town (names, codes).
	Markers [2][]string
}

// Fixture users, all with Password.
const (
	UserAdmin   = "admin"    // admin + safety office
	UserLeader  = "leader"   // district leader
	UserDept    = "dept"     // construction department
	UserTown1   = "town01"   // 东湖镇
	UserTown2   = "town02"   // 西山镇
	UserVillage = "village1" // 东湖村
	UserPatrol1 = "patrol1"  // patroller of 东湖村
	UserPatrol2 = "patrol2"  // patroller of 西山村
	UserEnt     = "ent1"     // enterprise in 东湖村
	UserReader  = "reader"   // congress member
)

var (
	hashOnce sync.Once
	hash     string
)

func passwordHash() string {
	hashOnce.Do(func() {
		var err error
		if hash, err = auth.HashPassword(Password); err != nil {
			panic(err)
		}
	})
	return hash
}

func buildFixture(ctx context.Context, a *app.App) (*Fixture, error) {
	f := &Fixture{Units: map[string]db.ID{}, Users: map[string]db.ID{}}
	f.Samples = [2]map[string]string{{}, {}}
	sys := auth.System()
	var err error
	mk := func(parent *db.ID, kind, category, name, code string, industries ...string) db.ID {
		if err != nil {
			return 0
		}
		in := org.OrgInput{ParentID: parent, Kind: &kind, Category: &category, Name: &name, Code: &code}
		if len(industries) > 0 {
			in.Industries = &industries
		}
		var id db.ID
		id, err = a.Org.CreateOrg(ctx, sys, in)
		if err != nil {
			err = fmt.Errorf("org %s: %w", name, err)
		}
		return id
	}
	person := func(orgID db.ID, name, phone, post string, kind ...string) db.ID {
		if err != nil {
			return 0
		}
		posts := []org.PostInput{{OrgID: orgID, Title: post}}
		if len(kind) > 0 {
			posts[0].Kind = kind[0]
		}
		var id db.ID
		id, err = a.Org.CreatePerson(ctx, sys, org.PersonInput{OrgID: &orgID, Name: &name, Phone: &phone, Posts: &posts})
		return id
	}
	f.District = mk(nil, org.KindDistrict, "district", "测试区", "T00")
	d := f.District
	f.Units["safety"] = mk(&d, org.KindUnit, "department", "区应急管理局", "T00-AJ", "hazardous_chemicals")
	f.Units["construction"] = mk(&d, org.KindUnit, "department", "区住建委", "T00-JW", "construction")
	f.Units["gov"] = mk(&d, org.KindUnit, "government", "区政府", "T00-ZF")
	f.Units["congress"] = mk(&d, org.KindUnit, "congress", "区人大常委会", "T00-RD")
	towns := [2]struct{ name, code, gov, village1, village2, p1, p2 string }{
		{"东湖镇", "T01", "东湖镇人民政府", "东湖村", "湖滨社区", "张东一", "李东二"},
		{"西山镇", "T02", "西山镇人民政府", "西山村", "山前社区", "王西一", "赵西二"},
	}
	for i, t := range towns {
		f.Towns[i] = mk(&d, org.KindTown, "town", t.name, t.code)
		tid := f.Towns[i]
		f.Units[fmt.Sprintf("town%dgov", i+1)] = mk(&tid, org.KindUnit, "town_government", t.gov, t.code+"-ZF")
		for j, vname := range []string{t.village1, t.village2} {
			vcode := fmt.Sprintf("%s%03d", t.code, j+1)
			f.Villages[i][j] = mk(&tid, org.KindVillage, "village", vname, vcode)
			pname := []string{t.p1, t.p2}[j]
			f.Patrollers[i][j] = person(f.Villages[i][j], pname, fmt.Sprintf("1390%d%d00%04d", i+1, j+1, 1234), "安全巡查员")
			f.Markers[i] = append(f.Markers[i], vname, pname, vcode+"-")
			for k := 1; k <= 3; k++ {
				if err != nil {
					return nil, err
				}
				code := fmt.Sprintf("%s-%02d", vcode, k)
				name := fmt.Sprintf("%s第%d网格", vname, k)
				vid, pid := f.Villages[i][j], f.Patrollers[i][j]
				gid, gerr := a.Org.CreateGrid(ctx, sys, org.GridInput{Code: &code, Name: &name, VillageID: &vid, PatrollerID: &pid})
				if gerr != nil {
					return nil, gerr
				}
				f.Grids[i] = append(f.Grids[i], gid)
			}
		}
		f.TownHeads[i] = person(f.Units[fmt.Sprintf("town%dgov", i+1)], []string{"孙东湖", "周西山"}[i], fmt.Sprintf("1390%d990000", i+1), "镇长", "town_head")
		f.Markers[i] = append(f.Markers[i], t.name, t.gov, []string{"孙东湖", "周西山"}[i])
	}
	gov := f.Units["gov"]
	f.Leader = person(gov, "钱分管", "13912340000", "副区长", "deputy_head")
	if err == nil {
		inCharge := []string{"construction", "fire"}
		err = a.Org.UpdatePerson(ctx, sys, f.Leader, org.PersonInput{InCharge: &inCharge})
	}
	if err != nil {
		return nil, err
	}
	users := []struct {
		name, display string
		org           db.ID
		person        *db.ID
		roles         []auth.Role
	}{
		{UserAdmin, "管理员", f.Units["safety"], nil, []auth.Role{auth.Admin, auth.SafetyOffice}},
		{UserLeader, "钱分管", f.Units["gov"], &f.Leader, []auth.Role{auth.Leader}},
		{UserDept, "住建委", f.Units["construction"], nil, []auth.Role{auth.Department}},
		{UserTown1, "东湖镇用户", f.Units["town1gov"], nil, []auth.Role{auth.Town}},
		{UserTown2, "西山镇用户", f.Units["town2gov"], nil, []auth.Role{auth.Town}},
		{UserVillage, "东湖村用户", f.Villages[0][0], nil, []auth.Role{auth.Village}},
		{UserPatrol1, "张东一", f.Villages[0][0], &f.Patrollers[0][0], []auth.Role{auth.Patroller}},
		{UserPatrol2, "王西一", f.Villages[1][0], &f.Patrollers[1][0], []auth.Role{auth.Patroller}},
		{UserEnt, "东湖企业", f.Villages[0][0], nil, []auth.Role{auth.Enterprise}},
		{UserReader, "人大代表", f.Units["congress"], nil, []auth.Role{auth.Reader}},
	}
	err = a.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, u := range users {
			name, display, orgID := u.name, u.display, u.org
			id, err := a.Auth.CreateUser(ctx, tx, sys, auth.UserInput{Username: &name, DisplayName: &display, OrgID: &orgID,
				PersonID: u.person, Roles: u.roles, PasswordHash: passwordHash()})
			if err != nil {
				return fmt.Errorf("user %s: %w", name, err)
			}
			f.Users[name] = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range 2 {
		f.Samples[i]["org"] = f.Villages[i][0].String()
		f.Samples[i]["grid"] = f.Grids[i][0].String()
		f.Samples[i]["person"] = f.Patrollers[i][0].String()
	}
	f.Samples[0]["user"] = f.Users[UserPatrol1].String()
	f.Samples[1]["user"] = f.Users[UserPatrol2].String()
	for i, username := range []string{UserTown1, UserTown2} {
		p, err := a.Auth.LoadPrincipal(ctx, a.DB, f.Users[username])
		if err != nil {
			return nil, err
		}
		att, err := a.Attachments.Create(ctx, p, "sample.pdf", strings.NewReader(samplePDF))
		if err != nil {
			return nil, fmt.Errorf("attachment of %s: %w", username, err)
		}
		f.Samples[i]["attachment"] = att.ID.String()
	}
	// One enterprise per town; the enterprise user belongs to the first.
	for i, name := range []string{"东湖建工集团有限公司", "西山建材有限公司"} {
		code := CreditCode(fmt.Sprintf("91330199MA2T0%d000", i+1))
		ind, scale, grade := "construction", "medium", "level2"
		gid := f.Grids[i][2]
		id, err := a.Enterprise.Create(ctx, sys, enterprise.Input{Name: &name, CreditCode: &code, Industry: &ind, GridID: &gid,
			Scale: &scale, StandardGrade: &grade})
		if err != nil {
			return nil, fmt.Errorf("enterprise %s: %w", name, err)
		}
		f.Enterprises[i] = id
		f.Samples[i]["enterprise"] = id.String()
		f.Markers[i] = append(f.Markers[i], name, code)
		if _, err := a.Enforcement.Enforce(ctx, sys, id, enforcement.EnforcementInput{Kind: "rectification_order", Reason: "责令限期整改",
			Deadline: Start.AddDate(0, 1, 0).Format("2006-01-02")}); err != nil {
			return nil, fmt.Errorf("enforcement of %s: %w", name, err)
		}
		var eid db.ID
		if err := a.DB.QueryRow(ctx, `SELECT id FROM enforcement_actions WHERE enterprise_id = ?`, id).Scan(&eid); err != nil {
			return nil, err
		}
		f.Samples[i]["enforcement"] = eid.String()
	}
	if _, err := a.DB.Exec(ctx, `UPDATE users SET enterprise_id = ? WHERE id = ?`, f.Enterprises[0], f.Users[UserEnt]); err != nil {
		return nil, err
	}
	if err := enterpriseSamples(ctx, a, f); err != nil {
		return nil, err
	}
	// One reported hazard per town, found by the town's patroller; reporting notifies the
	// town user, which gives each town a notification sample too.
	for i, h := range []struct{ user, title, industry string }{
		{UserPatrol1, "消防通道被杂物占用", "construction"},
		{UserPatrol2, "液化气钢瓶露天存放", "fire"},
	} {
		p, err := a.Auth.LoadPrincipal(ctx, a.DB, f.Users[h.user])
		if err != nil {
			return nil, err
		}
		id, err := a.Hazard.Report(ctx, p, hazard.ReportInput{Title: h.title, Category: "unsafe_condition", Industry: h.industry,
			Grade: hazard.General, GridID: f.Grids[i][1], Place: h.title[:9]})
		if err != nil {
			return nil, fmt.Errorf("hazard of %s: %w", h.user, err)
		}
		f.Hazards[i] = id
		f.Samples[i]["hazard"] = id.String()
		var note db.ID
		if err := a.DB.QueryRow(ctx, `SELECT id FROM notifications WHERE user_id = ? ORDER BY id LIMIT 1`,
			f.Users[[]string{UserTown1, UserTown2}[i]]).Scan(&note); err != nil {
			return nil, fmt.Errorf("notification of town %d: %w", i+1, err)
		}
		f.Samples[i]["notification"] = note.String()
		f.Markers[i] = append(f.Markers[i], h.title)
	}
	// The responsibility system's records, one file each.
	for _, add := range []func(context.Context, *app.App, *Fixture) error{meetingSamples, dutySamples, letterSamples, tacklingSamples} {
		if err := add(ctx, a, f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// enterpriseSamples gives each enterprise a risk point (general grade, controlled: no
// color change) and a self-inspection against the general checklist with every item
// passed (so no hazard), filed by a principal scoped to that enterprise (recorded as
// the town's user: the second enterprise has no account of its own).
func enterpriseSamples(ctx context.Context, a *app.App, f *Fixture) error {
	var tpl db.ID
	if err := a.DB.QueryRow(ctx, `SELECT id FROM checklist_templates WHERE industry IS NULL`).Scan(&tpl); err != nil {
		return fmt.Errorf("general checklist: %w", err)
	}
	items, err := db.All(ctx, a.DB, `SELECT id FROM checklist_items WHERE template_id = ? ORDER BY position`, []any{tpl}, db.ScanID)
	if err != nil {
		return err
	}
	for i, ent := range f.Enterprises {
		name, grade := []string{"东湖项目部塔吊作业区", "西山建材窑炉车间"}[i], "general"
		rp, err := a.RiskPoint.CreateRiskPoint(ctx, auth.System(), ent, riskpoint.RiskPointInput{Name: &name, Grade: &grade})
		if err != nil {
			return fmt.Errorf("risk point %s: %w", name, err)
		}
		f.Samples[i]["risk_point"] = rp.String()
		f.Markers[i] = append(f.Markers[i], name)
		town := f.Users[[]string{UserTown1, UserTown2}[i]]
		p := &auth.Principal{UserID: town, DisplayName: "企业安全员", Roles: []auth.Role{auth.Enterprise},
			Scope: auth.Scope{Path: "/", OwnOnly: true, UserID: town, EnterpriseID: &ent}}
		in := selfinspect.SelfInspectionInput{TemplateID: tpl}
		for _, it := range items {
			in.Results = append(in.Results, selfinspect.ResultInput{ItemID: it, Result: "pass"})
		}
		si, err := a.SelfInspect.SelfInspect(ctx, p, ent, in)
		if err != nil {
			return fmt.Errorf("self-inspection of enterprise %d: %w", i+1, err)
		}
		f.Samples[i]["self_inspection"] = si.String()
	}
	return nil
}

// CreditCode completes 17 characters with the check character of a unified social
// credit code.
func CreditCode(first17 string) string {
	c, err := enterprise.CreditCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// samplePDF is the smallest file the attachment checks accept as a PDF.
const samplePDF = "%PDF-1.4\n%%EOF\n"
