package letter

import "github.com/safeduty/safeduty/internal/platform/i18n"

// The standard content of a letter by kind of unit: the targets the district sets each
// town (属地管理) and each department (行业监管), and their duty items, after the
// district's practice (党政同责、一岗双责, the grids and their patrollers, the three-color
// management of enterprises, special tackling of the problems found).

// standardTarget is a target of the standard content.
type standardTarget struct {
	indicator, kind string
	value           float64
	unit            string
	key             string // the message of its English name (letter.std.<key>)
}

var townTargets = []standardTarget{
	{"生产安全事故死亡人数", "max", 2, "人", "deaths"},
	{"较大及以上生产安全事故", "zero", 0, "起", "major_accidents"},
	{"重大事故隐患整改率", "min", 100, "%", "major_hazards_fixed"},
	{"一般事故隐患整改率", "min", 95, "%", "general_hazards_fixed"},
	{"网格巡查覆盖率", "min", 100, "%", "grid_patrol"},
	{"企业安全生产标准化达标率", "min", 90, "%", "standardization"},
}

var departmentTargets = []standardTarget{
	{"本行业领域生产安全事故死亡人数", "max", 1, "人", "industry_deaths"},
	{"本行业领域较大及以上生产安全事故", "zero", 0, "起", "industry_major_accidents"},
	{"重大事故隐患整改率", "min", 100, "%", "major_hazards_fixed"},
	{"一般事故隐患整改率", "min", 95, "%", "general_hazards_fixed"},
	{"监管企业年度执法检查覆盖率", "min", 100, "%", "inspection_coverage"},
	{"企业安全生产标准化达标率", "min", 90, "%", "standardization"},
}

// standardItem is a duty item of the standard content.
type standardItem struct {
	key, text string // key: the message of its English text (letter.std.<key>)
}

var townItems = []standardItem{
	{"town_1", "落实党政同责、一岗双责：党委、政府主要负责人是本辖区安全生产第一责任人，班子成员对分管领域安全生产负直接领导责任，逐人签订责任清单。"},
	{"town_2", "落实属地管理责任：镇（街道）党委会、政府办公会每季度至少专题研究一次安全生产工作，研究议定事项有会议纪要、有安排部署。"},
	{"town_3", "健全网格化监管：每个村（社区）配备一名安全巡查员，网格巡查全覆盖、无缝隙，发现隐患当日录入、限期整改、整改销号。"},
	{"town_4", "对辖区企业实施“三色管理”：红色企业依法约束、上限处罚，责令停产整改仍达不到要求或拒不整改的，提请依法关闭。"},
	{"town_5", "开展隐患排查治理“三清三进”：底数清、责任清、时限措施清，检查进企业、进现场、进台账，重大事故隐患挂牌督办。"},
	{"town_6", "落实上级督查组和“五个反思”发现问题的专项攻坚，问题导向、清单管理、结果倒逼，按期完成整改并报送进展。"},
	{"town_7", "建立安全生产专档：贯彻上级部署有会议纪要，领导履职有工作笔记和影像资料，做到履职留痕。"},
	{"town_8", "加强应急管理：完善应急预案，每年至少组织一次综合应急演练，发生事故按规定及时、如实报告。"},
}

var departmentItems = []standardItem{
	{"dept_1", "落实“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”，主要负责人是本行业领域安全生产第一责任人，班子成员落实一岗双责。"},
	{"dept_2", "落实行业监管责任：明确安全监管科室和专职人员，制定年度执法检查计划，对监管企业执法检查全覆盖。"},
	{"dept_3", "每季度至少专题研究一次本行业领域安全生产工作，分析形势、部署重点，研究议定事项有会议纪要。"},
	{"dept_4", "组织本行业领域专项整治，对“三色管理”红色企业依法实施联合约束和上限处罚，推动企业落实主体责任。"},
	{"dept_5", "督促企业开展安全生产标准化建设和风险分级管控、隐患排查治理双重预防机制建设，重大事故隐患挂牌督办、跟踪销号。"},
	{"dept_6", "牵头落实上级督查组和“五个反思”交办问题的整改措施，按期完成并报送进展，接受核验。"},
	{"dept_7", "建立行业安全生产专档，执法检查、会议研究、培训演练等履职情况留有记录和影像资料。"},
	{"dept_8", "加强本行业领域应急管理，完善专项应急预案并组织演练，发生事故按规定及时、如实报告。"},
}

// StandardTargets are the standard targets of a kind of unit (town or department).
func StandardTargets(kind string) []Target {
	src := townTargets
	if kind == "department" {
		src = departmentTargets
	}
	out := make([]Target, len(src))
	for i, s := range src {
		v := s.value
		out[i] = Target{Indicator: s.indicator, Kind: s.kind, Value: &v, Unit: s.unit, LimitText: limitText(s.kind, &v, s.unit)}
	}
	return out
}

// StandardItems are the standard duty items of a kind of unit (town or department).
func StandardItems(kind string) []string {
	src := townItems
	if kind == "department" {
		src = departmentItems
	}
	out := make([]string, len(src))
	for i, it := range src {
		out[i] = it.text
	}
	return out
}

// standardKeys finds the message of the English text of a standard indicator or item.
var standardKeys = func() map[string]string {
	out := map[string]string{}
	for _, t := range append(append([]standardTarget{}, townTargets...), departmentTargets...) {
		out[t.indicator] = "letter.std." + t.key
	}
	for _, it := range append(append([]standardItem{}, townItems...), departmentItems...) {
		out[it.text] = "letter.std." + it.key
	}
	return out
}()

// englishOf is the English text of a standard indicator or item, or text itself (what
// the safety office wrote is printed as written).
func englishOf(loc i18n.Localizer, text string) string {
	if key, ok := standardKeys[text]; ok {
		return loc.T(key)
	}
	return text
}
