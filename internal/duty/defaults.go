package duty

// The default templates (责任清单模板) of every kind of post, written from 《中华人民共和国
// 安全生产法》 and 《地方党政领导干部安全生产责任制规定》 (党政同责、一岗双责、齐抓共管、失职
// 追责), and the public holidays before which the "before holidays" duties fall due. They
// are loaded into empty tables when the application starts (LoadDefaults); afterwards the
// safety office edits the templates.

// TemplateItem is one duty of a template: the body it belongs to, the kind of role it
// plays, the duty's text and legal basis, how often it recurs and what proves it.
type TemplateItem struct {
	Body        string `json:"body" form:"body" jsonschema:"enum=party_committee,enum=government,enum=congress,enum=cppcc,enum=department,enum=town"`
	Role        string `json:"role" form:"role" jsonschema:"enum=decide,enum=execute,enum=supervise,enum=evaluate,description=决策 / 执行 / 监督 / 评估"`
	Text        string `json:"text" form:"text"`
	Basis       string `json:"basis" form:"basis" jsonschema:"description=the legal basis (《安全生产法》第X条 …)"`
	Frequency   string `json:"frequency" form:"frequency" jsonschema:"enum=,enum=daily,enum=weekly,enum=monthly,enum=quarterly,enum=half_yearly,enum=yearly,enum=before_holidays,description=empty for a standing duty without tasks"`
	Evidence    string `json:"evidence" form:"evidence" jsonschema:"enum=,enum=meeting,enum=inspection,enum=hazard,enum=document,enum=confirm"`
	MeetingKind string `json:"meeting_kind" form:"meeting_kind" jsonschema:"description=for meeting evidence: standing_committee, executive, special, department, town, other (empty: any meeting)"`
	PhotoEvery  int    `json:"photo_every" form:"photo_every" jsonschema:"description=for confirm evidence: a photo is required on every n-th task (0: never)"`
}

// DefaultTemplate is the default duty list of a kind of post.
type DefaultTemplate struct {
	PostKind string
	Name     string
	Items    []TemplateItem
}

const (
	lawSafety = "《安全生产法》"
	lawLeader = "《地方党政领导干部安全生产责任制规定》"
)

// standing duties shared by the party and government leaders.
func leaderCommon(body string) []TemplateItem {
	return []TemplateItem{
		{Body: body, Role: "execute", Text: "认真学习贯彻习近平总书记关于安全生产重要论述，参加安全生产专题学习", Basis: lawLeader + "第五条", Frequency: "half_yearly", Evidence: "document"},
		{Body: body, Role: "supervise", Text: "带队督导检查分管（联系）领域、镇街安全生产工作，推动隐患整改", Basis: lawLeader + "第九条", Frequency: "quarterly", Evidence: "inspection"},
		{Body: body, Role: "evaluate", Text: "年底向区委、区政府报告本人履行安全生产职责情况", Basis: lawLeader + "第十三条", Frequency: "yearly", Evidence: "document"},
	}
}

// DefaultTemplates are the default templates, one per org.PostKinds kind.
var DefaultTemplates = []DefaultTemplate{
	{PostKind: "secretary", Name: "区委书记安全生产责任清单", Items: append([]TemplateItem{
		{Body: "party_committee", Role: "decide", Text: "每季度主持召开区委常委会会议专题研究安全生产工作", Basis: lawLeader + "第六条第（三）项", Frequency: "quarterly", Evidence: "meeting", MeetingKind: "standing_committee"},
		{Body: "party_committee", Role: "decide", Text: "把安全生产纳入全区经济社会发展总体规划和党委重要议事日程", Basis: lawLeader + "第六条第（一）项"},
		{Body: "party_committee", Role: "execute", Text: "推动将安全生产纳入领导干部教育培训和党校主体班次课程", Basis: lawLeader + "第六条第（四）项", Frequency: "yearly", Evidence: "document"},
		{Body: "party_committee", Role: "supervise", Text: "推动组织、宣传、政法、机构编制等部门落实安全生产职责", Basis: lawLeader + "第六条第（二）项"},
		{Body: "party_committee", Role: "evaluate", Text: "把安全生产纳入党政领导干部考核和政绩考核内容", Basis: lawLeader + "第六条第（五）项", Frequency: "yearly", Evidence: "document"},
	}, leaderCommon("party_committee")[1:]...)},
	{PostKind: "district_head", Name: "区长安全生产责任清单", Items: append([]TemplateItem{
		{Body: "government", Role: "decide", Text: "每季度主持召开区政府常务会议研究安全生产工作", Basis: lawLeader + "第七条第（二）项", Frequency: "quarterly", Evidence: "meeting", MeetingKind: "executive"},
		{Body: "government", Role: "decide", Text: "组织制定安全生产规划并纳入国民经济和社会发展规划，保障安全生产投入", Basis: lawSafety + "第八条", Frequency: "yearly", Evidence: "document"},
		{Body: "government", Role: "execute", Text: "按照“三管三必须”原则明确政府有关部门安全生产监督管理职责", Basis: lawSafety + "第三条、第十条"},
		{Body: "government", Role: "execute", Text: "组织开展重点行业领域安全生产专项整治和节假日前安全检查", Basis: lawLeader + "第七条第（四）项", Frequency: "before_holidays", Evidence: "inspection"},
		{Body: "government", Role: "supervise", Text: "组织制定生产安全事故应急救援预案，建立应急救援体系", Basis: lawSafety + "第八十条", Frequency: "yearly", Evidence: "document"},
	}, leaderCommon("government")...)},
	{PostKind: "deputy_head", Name: "副区长（分管领域）安全生产责任清单", Items: append([]TemplateItem{
		{Body: "government", Role: "decide", Text: "每季度召开分管行业领域安全生产专题会议", Basis: lawLeader + "第八条", Frequency: "quarterly", Evidence: "meeting", MeetingKind: "special"},
		{Body: "government", Role: "execute", Text: "指导督促分管部门落实行业安全监管职责，健全风险分级管控和隐患排查治理双重预防机制", Basis: lawSafety + "第四条、第四十一条"},
		{Body: "government", Role: "execute", Text: "每月调度分管行业领域重大事故隐患整改进展", Basis: lawLeader + "第八条", Frequency: "monthly", Evidence: "document"},
	}, leaderCommon("government")...)},
	{PostKind: "standing_member", Name: "区委常委安全生产责任清单", Items: append([]TemplateItem{
		{Body: "party_committee", Role: "execute", Text: "按照“一岗双责”要求抓好分管（联系）领域安全生产工作", Basis: lawLeader + "第九条"},
		{Body: "party_committee", Role: "decide", Text: "参加区委常委会会议研究安全生产工作，提出意见建议", Basis: lawLeader + "第九条", Frequency: "quarterly", Evidence: "meeting", MeetingKind: "standing_committee"},
	}, leaderCommon("party_committee")...)},
	{PostKind: "congress_head", Name: "区人大常委会主任安全生产责任清单", Items: []TemplateItem{
		{Body: "congress", Role: "supervise", Text: "组织听取和审议区政府安全生产工作情况报告", Basis: lawLeader + "第十条", Frequency: "yearly", Evidence: "meeting", MeetingKind: "other"},
		{Body: "congress", Role: "supervise", Text: "组织开展《安全生产法》执法检查或专题调研", Basis: lawSafety + "第七十四条", Frequency: "yearly", Evidence: "inspection"},
		{Body: "congress", Role: "execute", Text: "抓好区人大机关自身安全生产工作", Basis: lawLeader + "第十条"},
	}},
	{PostKind: "cppcc_head", Name: "区政协主席安全生产责任清单", Items: []TemplateItem{
		{Body: "cppcc", Role: "supervise", Text: "组织政协委员围绕安全生产开展民主监督和专题协商", Basis: lawLeader + "第十条", Frequency: "yearly", Evidence: "meeting", MeetingKind: "other"},
		{Body: "cppcc", Role: "evaluate", Text: "组织视察调研安全生产工作并提出意见建议", Basis: lawLeader + "第十条", Frequency: "half_yearly", Evidence: "inspection"},
		{Body: "cppcc", Role: "execute", Text: "抓好区政协机关自身安全生产工作", Basis: lawLeader + "第十条"},
	}},
	{PostKind: "department_head", Name: "部门主要负责人安全生产责任清单", Items: []TemplateItem{
		{Body: "department", Role: "decide", Text: "每月召开本部门安全生产工作会议", Basis: lawSafety + "第十条", Frequency: "monthly", Evidence: "meeting", MeetingKind: "department"},
		{Body: "department", Role: "execute", Text: "组织开展本行业领域安全生产监督检查", Basis: lawSafety + "第六十五条", Frequency: "monthly", Evidence: "inspection"},
		{Body: "department", Role: "execute", Text: "督促本行业领域重大事故隐患整改销号", Basis: lawSafety + "第四十一条", Frequency: "quarterly", Evidence: "hazard"},
		{Body: "department", Role: "execute", Text: "节假日前组织本行业领域安全检查", Basis: lawSafety + "第六十五条", Frequency: "before_holidays", Evidence: "inspection"},
		{Body: "department", Role: "evaluate", Text: "报送本部门上半年、全年安全生产工作总结", Basis: lawLeader + "第十三条", Frequency: "half_yearly", Evidence: "document"},
	}},
	{PostKind: "town_secretary", Name: "镇（街道）党委书记安全生产责任清单", Items: []TemplateItem{
		{Body: "town", Role: "decide", Text: "把安全生产纳入镇（街道）党委重要议事日程，每季度听取安全生产工作汇报", Basis: lawLeader + "第六条", Frequency: "quarterly", Evidence: "meeting", MeetingKind: "town"},
		{Body: "town", Role: "execute", Text: "配齐配强镇（街道）安全生产监管力量", Basis: lawSafety + "第九条"},
		{Body: "town", Role: "supervise", Text: "带队检查辖区企业和村（社区）安全生产工作", Basis: lawLeader + "第九条", Frequency: "quarterly", Evidence: "inspection"},
		{Body: "town", Role: "evaluate", Text: "年底述职时报告本人履行安全生产职责情况", Basis: lawLeader + "第十三条", Frequency: "yearly", Evidence: "document"},
	}},
	{PostKind: "town_head", Name: "镇长（街道办事处主任）安全生产责任清单", Items: []TemplateItem{
		{Body: "town", Role: "decide", Text: "每季度召开镇（街道）安全生产工作会议", Basis: lawSafety + "第九条", Frequency: "quarterly", Evidence: "meeting", MeetingKind: "town"},
		{Body: "town", Role: "execute", Text: "组织开展辖区安全生产检查和隐患排查治理", Basis: lawSafety + "第九条", Frequency: "monthly", Evidence: "inspection"},
		{Body: "town", Role: "execute", Text: "节假日前组织辖区安全检查", Basis: lawSafety + "第九条", Frequency: "before_holidays", Evidence: "inspection"},
		{Body: "town", Role: "execute", Text: "组织制定镇（街道）生产安全事故应急救援预案并开展演练", Basis: lawSafety + "第八十一条", Frequency: "half_yearly", Evidence: "document"},
		{Body: "town", Role: "evaluate", Text: "年底向区政府报告本镇（街道）安全生产工作", Basis: lawLeader + "第十三条", Frequency: "yearly", Evidence: "document"},
	}},
	{PostKind: "town_deputy", Name: "镇（街道）分管安全副职安全生产责任清单", Items: []TemplateItem{
		{Body: "town", Role: "execute", Text: "每周调度辖区隐患排查整改情况", Basis: lawSafety + "第九条", Frequency: "weekly", Evidence: "document"},
		{Body: "town", Role: "execute", Text: "每月带队检查辖区重点企业", Basis: lawSafety + "第九条", Frequency: "monthly", Evidence: "inspection"},
		{Body: "town", Role: "supervise", Text: "督促网格员落实日常巡查，推动隐患闭环整改", Basis: lawSafety + "第四十一条", Frequency: "quarterly", Evidence: "hazard"},
	}},
	{PostKind: "school_head", Name: "学校校长安全责任清单（“2530”安全教育）", Items: []TemplateItem{
		{Body: "department", Role: "execute", Text: "每天放学前2分钟安全教育", Basis: "《中小学幼儿园安全管理办法》第三十九条", Frequency: "daily", Evidence: "confirm", PhotoEvery: 10},
		{Body: "department", Role: "execute", Text: "每周末放学前5分钟安全教育", Basis: "《中小学幼儿园安全管理办法》第三十九条", Frequency: "weekly", Evidence: "confirm", PhotoEvery: 4},
		{Body: "department", Role: "execute", Text: "节假日前30分钟安全教育", Basis: "《中小学幼儿园安全管理办法》第三十九条", Frequency: "before_holidays", Evidence: "confirm", PhotoEvery: 1},
		{Body: "department", Role: "execute", Text: "每月开展校园安全隐患排查", Basis: "《中小学幼儿园安全管理办法》第十八条", Frequency: "monthly", Evidence: "inspection"},
	}},
}

// Holiday is a public holiday: its first day (2026-10-01) and name.
type Holiday struct {
	Day  string
	Name string
}

// DefaultHolidays are the first days of the public holidays of 2026 (as published by the
// State Council) and 2027 (the traditional dates, until the State Council publishes them).
var DefaultHolidays = []Holiday{
	{"2026-01-01", "元旦"}, {"2026-02-15", "春节"}, {"2026-04-04", "清明节"}, {"2026-05-01", "劳动节"},
	{"2026-06-19", "端午节"}, {"2026-09-25", "中秋节"}, {"2026-10-01", "国庆节"},
	{"2027-01-01", "元旦"}, {"2027-02-05", "春节"}, {"2027-04-05", "清明节"}, {"2027-05-01", "劳动节"},
	{"2027-06-09", "端午节"}, {"2027-09-15", "中秋节"}, {"2027-10-01", "国庆节"},
}
