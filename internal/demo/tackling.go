package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The demo's special tackling (专项攻坚, after the district's 2014 report): the
// supervision groups of the State Council and the city found 42 problems, the year's two
// 五个反思 (区委, 区政府) two more; 89 measures in all.
const (
	DemoProblems = 44
	DemoMeasures = 89
)

// tkProblem is one problem a supervision group found: the industry decides the owning
// deputy head and the responsible department; one or two measures.
type tkProblem struct {
	industry string
	title    string
	measures []string
}

// tkProblems are the 42 problems of the supervision groups (37 with two measures, 5 with one).
var tkProblems = []tkProblem{
	{"gas", "老旧小区燃气管道老化、腐蚀，更新改造滞后", []string{"完成城区老旧燃气管道更新改造", "建立燃气管道定期检测和巡线制度"}},
	{"gas", "餐饮场所使用瓶装液化气未安装可燃气体报警装置", []string{"督促餐饮场所全部安装可燃气体报警装置并联网", "开展瓶装液化气“打非治违”专项行动"}},
	{"gas", "瓶装燃气供应站点布局散乱，非法充装屡禁不止", []string{"整合规范瓶装燃气供应站点"}},
	{"gas", "燃气用户安全检查覆盖率低，入户安检不到位", []string{"实现燃气用户入户安检全覆盖", "将安检情况纳入燃气企业考核"}},
	{"gas", "燃气管道第三方施工破坏事故时有发生", []string{"建立燃气管道保护协调机制", "对管道沿线施工实行报备和旁站监护"}},
	{"gas", "燃气企业应急抢险力量不足", []string{"督促燃气企业配齐抢险队伍和装备", "每半年开展一次燃气泄漏应急演练"}},
	{"road_traffic", "农村道路临水临崖路段缺少安全防护设施", []string{"完成临水临崖路段防撞护栏“生命工程”建设", "在急弯陡坡路段设置警示标志"}},
	{"road_traffic", "农村道路交通劝导站运行不规范，劝导员履职不到位", []string{"保障105个劝导站正常运行经费", "建立劝导员培训和考核制度"}},
	{"road_traffic", "货车超限超载、非法改装问题突出", []string{"开展货车超限超载联合治理", "建立源头企业装载监管台账"}},
	{"road_traffic", "校车及接送学生车辆存在安全隐患", []string{"完善校车管理办法并落实一车一档"}},
	{"road_traffic", "长途客运和旅游包车动态监控不到位", []string{"实现重点营运车辆动态监控全覆盖", "落实凌晨2时至5时停车休息制度"}},
	{"road_traffic", "城区主要路口交通信号和标志标线设置不合理", []string{"完成城区事故多发路口排查改造", "优化交通信号配时"}},
	{"construction", "建筑施工高处坠落事故多发，临边防护不到位", []string{"推行脚手架全封闭施工", "以水平“软防护”替代“硬质防护”"}},
	{"construction", "建筑起重机械安装拆卸管理混乱", []string{"对在用塔吊施工升降机开展全面检测", "实行起重机械安拆告知和旁站监督"}},
	{"construction", "深基坑、高支模等危大工程专项方案落实不到位", []string{"建立危大工程清单并逐项督查", "对专家论证方案实施情况开展抽查"}},
	{"construction", "施工现场“两防”（防坍塌、防高坠）措施落实不到位", []string{"开展建设施工“两防”专项整治", "对整改不力的项目实施停工整改"}},
	{"construction", "经营性自建房违规改扩建、擅自改变用途", []string{"完成经营性自建房安全隐患排查", "对存在结构安全问题的自建房停用整治"}},
	{"construction", "老旧电梯故障率高，维保质量差", []string{"完成老旧电梯改造更新", "建立电梯维保质量抽查制度"}},
	{"construction", "建筑工地农民工安全教育培训流于形式", []string{"推行建筑工人实名制安全培训"}},
	{"hazardous_chemicals", "危险化学品企业重大危险源监测预警系统不完善", []string{"完成重大危险源在线监测预警系统建设", "落实重大危险源包保责任制"}},
	{"hazardous_chemicals", "危化品运输车辆停放混乱，缺少专用停车场", []string{"建成危化品运输车辆专用停车场", "规范危化品运输车辆通行路线"}},
	{"hazardous_chemicals", "化工园区安全风险评估未开展", []string{"开展化工园区整体性安全风险评估", "按评估结论落实园区封闭化管理"}},
	{"hazardous_chemicals", "部分危化品经营企业违规储存、超量储存", []string{"开展危化品经营企业储存专项检查", "对违规储存企业依法处罚并公开曝光"}},
	{"hazardous_chemicals", "危化品企业特殊作业管理不规范", []string{"督促企业落实动火、受限空间作业审批制度", "组织特殊作业安全专题培训"}},
	{"hazardous_chemicals", "城市市政化粪池沼气聚集缺乏预警监测", []string{"建设市政化粪池预警监测系统", "定期开展化粪池清掏和检测"}},
	{"fire", "高层建筑消防设施损坏、停用问题普遍", []string{"开展高层建筑消防设施专项检测维修", "落实高层建筑消防安全经理人制度"}},
	{"fire", "“三合一”场所和群租房火灾隐患突出", []string{"完成“三合一”场所排查整治", "对群租房实施分类整治"}},
	{"fire", "消防通道被占用、堵塞问题突出", []string{"开展消防通道专项整治", "划设消防车通道标识并落实常态管理"}},
	{"fire", "电动自行车室内停放充电引发火灾风险", []string{"建设集中充电设施", "开展电动自行车进楼入户专项治理"}},
	{"fire", "乡镇专职消防队伍建设滞后", []string{"完成乡镇专职消防队建设"}},
	{"fire", "大型商业综合体消防安全管理不到位", []string{"对大型商业综合体开展消防安全评估", "督促落实消防控制室持证值守"}},
	{"industry_trade", "工贸企业粉尘防爆措施落实不到位", []string{"开展工商贸粉尘防爆专项整治", "督促涉粉企业落实除尘系统规范化改造"}},
	{"industry_trade", "有限空间作业事故风险高，企业管理制度缺失", []string{"建立有限空间作业场所台账", "为企业配备有限空间作业防护设备"}},
	{"industry_trade", "涉氨制冷企业液氨使用不规范", []string{"开展涉氨制冷企业专项检查并推动液氨制冷系统改造"}},
	{"industry_trade", "小微企业安全生产标准化达标率低", []string{"推进小微企业安全生产标准化建设", "开展安全管理人员培训"}},
	{"special_equipment", "锅炉、压力容器超期未检", []string{"完成超期未检特种设备清理", "建立特种设备定期检验提醒机制"}},
	{"special_equipment", "游乐设施日常维护保养不到位", []string{"对大型游乐设施开展安全评估", "落实游乐设施每日试运行检查"}},
	{"mines", "关闭煤矿后续治理不彻底，存在盗采风险", []string{"以奖代补完成关闭煤矿井口封闭", "建立关闭矿井巡查制度"}},
	{"mines", "非煤矿山边坡稳定性监测缺失", []string{"建设边坡在线监测系统", "对高陡边坡开展专项治理"}},
	{"education", "学校安全教育缺乏常态机制", []string{"建立“2530”安全教育机制", "建立家校合作安全教育机制"}},
	{"tourism", "景区游客高峰时段安全管控不足", []string{"建立景区最大承载量管控制度", "完善景区应急疏散预案并演练"}},
	{"water", "水上客运和渡口安全管理薄弱", []string{"完成渡口渡船标准化改造", "落实节假日水上交通安全督查"}},
}

// tkReflection is a body's 五个反思: five aspects with scores and findings, and the
// actions that become its problem's measures (department slug, text).
type tkReflection struct {
	category string
	summary  string
	answers  [][3]string // aspect, score, findings
	actions  [][2]string
}

var tkReflections = []tkReflection{
	{"party_committee", "安全发展理念树得还不够牢，党委统揽安全生产的谋划、用人和问责仍有短板。",
		[][3]string{
			{"planning", "82", "区委常委会专题研究安全生产的次数偏少，对新业态安全风险研判不足。"},
			{"staffing", "78", "安监干部“走马灯、不定根”现象仍然存在，乡镇安监站力量薄弱。"},
			{"establishment", "75", "区安监局行政编制、事业编制与监管任务不匹配。"},
			{"mechanisms", "80", "“党政同责、一岗双责”的考核机制需要细化，部门之间协调不畅。"},
			{"accountability", "84", "对履职不到位的问责偏软，约谈多、追责少。"},
		},
		[][2]string{
			{safetyOffice, "区委常委会每季度专题听取一次安全生产工作汇报"},
			{"hr", "安监干部重用提拔比例高于全区部门平均水平"},
			{"hr", "区安监局新增行政编制3名、事业编制4名"},
			{safetyOffice, "出台党政领导班子成员安全生产责任清单"},
			{safetyOffice, "建立安全生产履职不到位约谈问责制度"},
		}},
	{"government", "政府抓安全生产执行力还需加强，底数、专业、投入上还有欠账。",
		[][3]string{
			{"baseline", "79", "小微企业和经营性自建房底数不清，隐患台账不完整。"},
			{"expertise", "72", "执法人员专业背景不足，危化品、特种设备监管能力弱。"},
			{"investment", "77", "安全生产专项资金投入不足，农村道路安全设施欠账较多。"},
			{"work_style", "83", "部分部门检查“走过场”，深入一线不够。"},
			{"execution", "81", "区政府常务会部署的整改事项落实不及时。"},
		},
		[][2]string{
			{safetyOffice, "完成全区小微企业和经营性自建房安全底数普查"},
			{safetyOffice, "组织执法人员分行业专业轮训"},
			{"finance", "安排安全生产专项资金320万元"},
			{safetyOffice, "推行“四不两直”暗查暗访常态化"},
			{safetyOffice, "建立常务会安全事项督办销号制度"},
		}},
}

// tkMeasure is a measure as planned, with its state.
type tkMeasure struct {
	problem    db.ID
	pos        int
	text       string
	leader     *Person
	dept       *Unit
	deadline   time.Time
	status     string
	progress   int
	completed  *time.Time
	verified   *time.Time
	created    time.Time
	completeBy *User
}

// buildTackling builds the 44 problems split into 89 measures, and the year's 五个反思.
func buildTackling(ctx context.Context, b *builder) error {
	d := b.d
	year := b.now.In(clock.China).Year()
	created := time.Date(year, 1, 10, 9, 0, 0, 0, clock.China)
	if !created.Before(b.now) {
		created = b.now.Add(-24 * time.Hour)
	}
	admin := d.User("admin")
	lastP, err := b.nextID(ctx, "problems")
	if err != nil {
		return err
	}
	lastR, err := b.nextID(ctx, "reflections")
	if err != nil {
		return err
	}
	var problems, reflections, answers [][]any
	var measures []*tkMeasure
	pid := db.ID(lastP)
	// The two 五个反思, submitted in January: their actions are their problem's measures.
	for i, r := range tkReflections {
		pid++
		rid := db.ID(lastR + int64(i) + 1)
		body := d.Body(r.category)
		owner := d.Secretary
		if r.category == "government" {
			owner = d.Mayor
		}
		title := fmt.Sprintf("%s%d年度五个反思整改", body.Name, year)
		problems = append(problems, []any{pid, year, fmt.Sprintf("反思-%d", i+1), title, r.summary, "reflection", body.Name, rid,
			body.ID, body.Path, admin.ID, created, created})
		reflections = append(reflections, []any{rid, year, r.category, body.ID, body.Path, r.summary, "submitted", "[]", pid,
			admin.ID, created, created})
		for _, a := range r.answers {
			var score int
			fmt.Sscan(a[1], &score)
			answers = append(answers, []any{rid, a[0], score, a[2]})
		}
		for j, a := range r.actions {
			measures = append(measures, &tkMeasure{problem: pid, pos: j + 1, text: a[1], leader: owner, dept: d.Department(a[0]), created: created})
		}
	}
	// The supervision groups' 42: the first 18 from the State Council's group, the rest
	// from the city's; every sixth owned by the district head.
	for i, p := range tkProblems {
		pid++
		kind, source, code := "state_council", "国务院安委会第七督导组", fmt.Sprintf("国督-%02d", i+1)
		if i >= 18 {
			kind, source, code = "city", []string{"市安委会第一督导检查组", "市安委会第二督导检查组"}[i%2], fmt.Sprintf("市督-%02d", i-17)
		}
		dept := d.DepartmentsFor(p.industry)[0]
		if p.industry == "hazardous_chemicals" && i%2 == 0 {
			dept = d.Department("economy")
		}
		leader := d.DeputyFor(p.industry)
		if i%6 == 5 {
			leader = d.Mayor
		}
		problems = append(problems, []any{pid, year, code, p.title, "", kind, source, nil, dept.ID, dept.Path, admin.ID, created, created})
		for j, t := range p.measures {
			measures = append(measures, &tkMeasure{problem: pid, pos: j + 1, text: t, leader: leader, dept: dept, created: created})
		}
	}
	if len(problems) != DemoProblems || len(measures) != DemoMeasures {
		return fmt.Errorf("tackling plan: %d problems, %d measures", len(problems), len(measures))
	}
	b.planMeasures(measures, year)
	if err := b.insertRows(ctx, "problems", []string{"id", "year", "code", "title", "description", "source_kind", "source", "source_id",
		"org_id", "org_path", "created_by", "created_at", "updated_at"}, problems, "", nil); err != nil {
		return err
	}
	if err := b.syncIDs(ctx, "problems"); err != nil {
		return err
	}
	if err := b.insertRows(ctx, "reflections", []string{"id", "year", "body", "org_id", "org_path", "summary", "status", "actions",
		"problem_id", "created_by", "created_at", "updated_at"}, reflections, "", nil); err != nil {
		return err
	}
	if err := b.syncIDs(ctx, "reflections"); err != nil {
		return err
	}
	if err := b.insertRows(ctx, "reflection_answers", []string{"reflection_id", "aspect", "score", "findings"}, answers, "", nil); err != nil {
		return err
	}
	return b.storeMeasures(ctx, measures)
}

// planMeasures spreads the deadlines over the year (from February to December) and
// gives each measure a state the build time allows: past its deadline, verified on time,
// verified late, completed awaiting verification, or overdue; before it, in progress or
// completed early.
func (b *builder) planMeasures(ms []*tkMeasure, year int) {
	first := time.Date(year, 2, 1, 0, 0, 0, 0, clock.China)
	span := time.Date(year, 12, 31, 0, 0, 0, 0, clock.China).Sub(first)
	admin := b.d.User("admin")
	for i, m := range ms {
		day := first.Add(time.Duration(int64(span) * int64(i) / int64(len(ms)-1)))
		day = day.AddDate(0, 0, b.rng.IntN(9)-4)
		if last := first.Add(span); day.After(last) {
			day = last
		}
		m.deadline = clock.EndOfDay(day)
		m.completeBy = b.d.User("dept-" + m.dept.Slug)
		if m.completeBy == nil || m.completeBy == admin {
			m.completeBy = b.d.User("dept-safety")
		}
		latest := b.now.Add(-48 * time.Hour) // the last completion the build allows
		roll := b.rng.IntN(100)
		switch {
		case m.deadline.Before(b.now) && roll < 45:
			at := m.deadline.Add(-time.Duration(1+b.rng.IntN(20)) * 24 * time.Hour).Add(-6 * time.Hour)
			m.done(at, b.now, b.rng.IntN(6))
		case m.deadline.Before(b.now) && roll < 65 && m.deadline.Add(72*time.Hour).Before(latest):
			late := time.Duration(3+b.rng.IntN(25)) * 24 * time.Hour
			at := m.deadline.Add(late)
			if at.After(latest) {
				at = latest
			}
			m.done(at, b.now, b.rng.IntN(6))
		case m.deadline.Before(b.now) && roll < 78:
			at := m.deadline.Add(-time.Duration(1+b.rng.IntN(10)) * 24 * time.Hour)
			m.status, m.progress, m.completed = "completed", 100, &at
		case m.deadline.Before(b.now):
			m.status, m.progress = "open", 30+10*b.rng.IntN(6)
		case roll < 25 && m.created.Before(latest):
			at := latest.Add(-time.Duration(b.rng.IntN(5)) * 24 * time.Hour)
			if at.Before(m.created) {
				at = latest
			}
			m.status, m.progress, m.completed = "completed", 100, &at
		default:
			m.status, m.progress = "open", 10*(1+b.rng.IntN(8))
		}
		if m.completed != nil && m.verified == nil { // reported in the working day, not at midnight
			at := m.completed.Add(-time.Duration(3+b.rng.IntN(8)) * time.Hour)
			m.completed = &at
		}
		if m.completed != nil && m.completed.Before(m.created) {
			at := m.created.Add(24 * time.Hour)
			m.completed = &at
		}
	}
}

// done marks a measure completed at and verified a few days later (never after now).
func (m *tkMeasure) done(at, now time.Time, days int) {
	if !at.After(m.created) {
		at = m.created.Add(24 * time.Hour)
	}
	at = at.Add(-time.Duration(2+days) * time.Hour) // in the working day
	v := at.Add(time.Duration(1+days)*24*time.Hour + 90*time.Minute)
	if v.After(now) {
		v = now.Add(-time.Hour)
	}
	m.status, m.progress, m.completed, m.verified = "verified", 100, &at, &v
}

// storeMeasures inserts the measures and their histories: a progress report midway, the
// completion, the verification.
func (b *builder) storeMeasures(ctx context.Context, ms []*tkMeasure) error {
	last, err := b.nextID(ctx, "measures")
	if err != nil {
		return err
	}
	admin := b.d.User("admin")
	var rows, steps [][]any
	for i, m := range ms {
		id := db.ID(last + int64(i) + 1)
		var completedBy, verifiedBy *db.ID
		if m.completed != nil {
			completedBy = &m.completeBy.ID
		}
		if m.verified != nil {
			verifiedBy = &admin.ID
		}
		updated := m.created
		rows = append(rows, []any{id, m.problem, m.pos, m.text, m.leader.ID, m.dept.ID, m.dept.Path, m.deadline, m.status, m.progress,
			m.completed, completedBy, m.verified, verifiedBy, admin.ID, m.created, updated})
		// A progress report halfway between the listing and the completion (or now).
		end := b.now
		if m.completed != nil {
			end = *m.completed
		}
		if end.After(m.created.Add(48 * time.Hour)) {
			mid := m.created.Add(end.Sub(m.created) / 2)
			pct := m.progress / 2
			if m.status != "open" {
				pct = 50
			}
			if pct < 10 {
				pct = 10
			}
			steps = append(steps, []any{id, "progress", fmt.Sprintf("已完成约%d%%：%s", pct, tkProgressText[i%len(tkProgressText)]), pct, m.completeBy.ID, mid})
		}
		if m.completed != nil {
			steps = append(steps, []any{id, "complete", "已按要求完成整改，相关资料已归档。", 100, m.completeBy.ID, *m.completed})
		}
		if m.verified != nil {
			steps = append(steps, []any{id, "verify", "经现场核查，整改到位，同意销号。", 100, admin.ID, *m.verified})
		}
	}
	if err := b.insertRows(ctx, "measures", []string{"id", "problem_id", "position", "text", "leader_id", "department_id", "org_path",
		"deadline", "status", "progress", "completed_at", "completed_by", "verified_at", "verified_by", "created_by", "created_at",
		"updated_at"}, rows, "", nil); err != nil {
		return err
	}
	if err := b.syncIDs(ctx, "measures"); err != nil {
		return err
	}
	return b.insertRows(ctx, "measure_progress", []string{"measure_id", "kind", "text", "progress", "created_by", "created_at"}, steps, "", nil)
}

var tkProgressText = []string{
	"已制定工作方案，明确责任人和时间节点",
	"已完成摸底排查，建立问题台账",
	"已召开专题推进会，分解落实任务",
	"整改工程已开工，正在组织施工",
	"已完成首批整改，正在开展复查",
}
