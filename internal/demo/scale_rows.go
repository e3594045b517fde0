package demo

import (
	"fmt"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// hazardCols are the columns Scale writes to hazards, in the order of scaleGen.hazard.
var hazardCols = []string{"id", "code", "title", "description", "category", "industry", "grade", "source", "status", "place",
	"grid_id", "org_path", "town_id", "address", "found_by", "found_at", "owner_id", "supervisor_org_id", "measures",
	"deadline", "responsibility", "funds_yuan", "contingency_plan", "listed", "listing_leader_id", "listed_at",
	"listing_doc", "submitted_at", "closed_at", "closed_by", "closed_on_time", "rejections", "created_at", "updated_at"}

// hazard draws one hazard found in the three years before now: about 90% closed (10% of
// them late), the open ones found in the last 90 days with about 7% past the deadline, 1%
// major (listed once assigned).
func (g *scaleGen) hazard() []any {
	rng, now := g.rng, g.now
	g.nextHazard++
	id := db.ID(g.nextHazard)
	gr := g.grids[rng.IntN(len(g.grids))]
	industry := g.industry()
	titles := scaleTitles[industry]
	title := titles[rng.IntN(len(titles))]
	category := hazard.Categories[rng.IntN(len(hazard.Categories))]
	grade := hazard.General
	if rng.IntN(100) == 0 {
		grade = hazard.Major
	}
	var source string
	switch r := rng.IntN(100); {
	case r < 38:
		source = "grid_patrol"
	case r < 62:
		source = "self_inspection"
	case r < 78:
		source = "department_inspection"
	case r < 88:
		source = "campaign"
	case r < 95:
		source = "tipoff"
	default:
		source = "supervision_group"
	}
	depts := g.dept[industry]
	dept := depts[rng.IntN(len(depts))]
	foundBy := g.patroller[gr.village]
	switch source {
	case "self_inspection":
		foundBy = g.villager[gr.village]
	case "department_inspection", "campaign", "supervision_group":
		foundBy = g.deptUser[dept]
	case "tipoff":
		foundBy = g.townUser[gr.town]
	}
	const day = 24 * time.Hour
	var status hazard.Status
	switch r := rng.IntN(1000); {
	case r < 900:
		status = hazard.Closed
	case r < 920:
		status = hazard.Reported
	case r < 945:
		status = hazard.Assigned
	case r < 980:
		status = hazard.Rectifying
	default:
		status = hazard.Submitted
	}
	var found time.Time
	if status == hazard.Closed {
		found = now.Add(-time.Duration(rng.Int64N(int64(3 * 365 * day))))
	} else {
		found = now.Add(-time.Duration(rng.Int64N(int64(90 * day))))
	}
	created := found.Add(time.Duration(rng.Int64N(int64(2 * time.Hour))))
	updated := created
	var owner, supervisor, deadline, funds, leader, listedAt, submitted, closedAt, closedBy, onTime any
	measures, responsibility, contingency, doc := "", "", "", ""
	listed := false
	rejections := 0
	if status != hazard.Reported {
		assigned := created.Add(time.Duration(rng.Int64N(int64(3 * day))))
		owner = g.villager[gr.village]
		var supUser db.ID
		supervisor, supUser = dept, g.deptUser[dept]
		if rng.IntN(2) == 0 {
			supervisor, supUser = g.townGov[gr.town], g.townUser[gr.town]
		}
		measures = "按要求落实整改措施，专人复查。"
		days := []int{7, 10, 15, 20, 30, 45, 60}[rng.IntN(7)]
		dl := assigned.Add(time.Duration(days) * day)
		if status != hazard.Closed {
			// Open: about 7% past the deadline, the others due after now.
			if rng.IntN(100) < 7 {
				dl = now.Add(-time.Duration(1+rng.IntN(40)) * day)
			} else if !dl.After(now) {
				dl = now.Add(time.Duration(1+rng.IntN(40)) * day)
			}
		}
		deadline = dl
		updated = assigned
		if grade == hazard.Major {
			responsibility, contingency, doc = "村委会主任负责整改，行业部门督导", "设置警戒区域，专人值守", "临安委督〔2026〕1号"
			funds, leader, listedAt, listed = int64(100000), g.deputy[industry], assigned, true
		}
		if status == hazard.Submitted || status == hazard.Closed {
			s := assigned.Add(time.Duration(float64(dl.Sub(assigned)) * (0.2 + 0.6*rng.Float64())))
			if rng.IntN(10) == 0 {
				s = dl.Add(time.Duration(1+rng.IntN(20)) * day) // late
			}
			if s.After(now) {
				s = now.Add(-time.Hour)
			}
			submitted, updated = s, s
			if status == hazard.Closed {
				c := s.Add(time.Duration(rng.Int64N(int64(3 * day))))
				if c.After(now) {
					c = now
				}
				closedAt, closedBy, onTime, updated = c, supUser, !c.After(dl), c
			}
			if rng.IntN(10) == 0 {
				rejections = 1
			}
		}
	}
	return []any{id, hazard.Code(found, id), title, "", category, industry, grade, source, string(status),
		gr.name + scalePlaces[rng.IntN(len(scalePlaces))], gr.id, gr.path, gr.town, "", foundBy, found,
		owner, supervisor, measures, deadline, responsibility, funds, contingency, listed, leader, listedAt,
		doc, submitted, closedAt, closedBy, onTime, rejections, created, updated}
}

// enterpriseCols are the columns Scale writes to enterprises, in the order of
// scaleGen.enterprise (those of storeEnterprises).
var enterpriseCols = []string{"id", "name", "credit_code", "industry", "grid_id", "org_path", "town_id", "address", "scale", "legal_rep",
	"safety_manager", "safety_phone", "standard_grade", "status", "color", "color_since", "color_reasons", "color_rule_version",
	"next_inspection_at", "closure_flagged", "created_at", "updated_at"}

var (
	scaleEntKinds  = []string{"五金加工厂", "建材商行", "物流有限公司", "餐饮店", "服装厂", "机械制造有限公司", "塑料制品厂", "农家乐", "超市", "汽修厂"}
	scaleEntScales = []string{"micro", "micro", "micro", "small", "small", "medium", "large"}
	scaleSurnames  = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭"}
	scaleGiven     = []string{"伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平"}
)

// enterprise draws one operating enterprise registered in the three years before now,
// green as registered and not yet inspected (the color rules have nothing to say about it
// until its first inspection or hazard). Its credit code (统一社会信用代码) is unique by
// construction.
func (g *scaleGen) enterprise() []any {
	rng := g.rng
	g.nextEnt++
	id := db.ID(g.nextEnt)
	gr := g.grids[rng.IntN(len(g.grids))]
	created := g.now.Add(-time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
	person := func() string {
		return scaleSurnames[rng.IntN(len(scaleSurnames))] + scaleGiven[rng.IntN(len(scaleGiven))] + scaleGiven[rng.IntN(len(scaleGiven))]
	}
	name := fmt.Sprintf("%s%s%d号%s", gr.name, "城郊", id, scaleEntKinds[rng.IntN(len(scaleEntKinds))])
	return []any{id, name, fmt.Sprintf("91330199SC%08d", id), g.industry(), gr.id, gr.path, gr.town,
		fmt.Sprintf("%s%d号", gr.name, 1+rng.IntN(400)), scaleEntScales[rng.IntN(len(scaleEntScales))], person(),
		person(), fmt.Sprintf("1%02d%08d", 30+rng.IntN(60), rng.IntN(100_000_000)), "none", "operating", "green", created, "[]",
		g.ruleVer, created.AddDate(1, 0, 0), false, created, created}
}
