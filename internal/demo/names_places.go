package demo

// The place names of the demo district. They are invented but read like the names of a
// riverside district in southern China; none is a real division of that name and code.

// districtName, districtShort and districtCode name the demo district (区). The code has
// the shape of an administrative division code (6 digits); towns add 3 digits, villages
// another 3, as the national statistical division codes do.
const (
	districtName  = "临江区"
	districtShort = "临江"
	districtCode  = "330199"
)

// townSpec is one town (镇) or street (街道) with how many villages (村) and communities
// (社区) it holds. Streets are urban and mostly communities; a town has a few communities
// around its seat and villages beyond.
type townSpec struct {
	name        string // 白沙镇, 江滨街道
	short       string // 白沙, 江滨
	street      bool
	communities int
	villages    int
}

// towns lists the 12 towns and streets in code order (town01 is the first). Together
// they hold 300 villages and communities.
var towns = []townSpec{
	{"江滨街道", "江滨", true, 24, 0},
	{"望江街道", "望江", true, 20, 2},
	{"城东街道", "城东", true, 18, 8},
	{"城西街道", "城西", true, 17, 6},
	{"白沙镇", "白沙", false, 3, 24},
	{"青石镇", "青石", false, 2, 23},
	{"桃源镇", "桃源", false, 2, 19},
	{"柳湾镇", "柳湾", false, 3, 25},
	{"双河镇", "双河", false, 2, 24},
	{"龙潭镇", "龙潭", false, 2, 22},
	{"石桥镇", "石桥", false, 3, 26},
	{"凤鸣镇", "凤鸣", false, 2, 23},
}

// communityStems are the names of communities (社区), before the word 社区. A town's seat
// community takes the town's own short name first.
var communityStems = []string{
	"滨江", "新华", "和平", "朝阳", "锦绣", "翠湖", "东风", "红旗", "建设", "解放",
	"人民路", "文化", "胜利", "长安", "龙湖", "金桥", "丽水", "桂园", "兴隆", "春晖",
	"阳光", "幸福", "光明", "友谊", "团结", "中山路", "北门", "南门", "东门", "西门",
	"花园", "育才", "学府", "书院", "枫林", "梧桐", "云台", "凤凰", "锦江", "江北",
	"江南", "沙湾", "码头", "渡口", "银杏", "金沙", "玉带", "清风", "明月", "观澜",
	"听涛", "老街", "新街", "鼓楼", "文峰", "文昌", "嘉禾", "永安", "永兴", "太平",
	"康宁", "安居", "宏图", "繁荣", "振兴", "新城", "紫荆", "海棠", "芙蓉", "玉兰",
	"丹桂", "青年路", "五一", "工农", "车站", "电厂", "纺织", "机械", "铁路", "港口",
	"水厂", "天星", "金鼎", "瑞丰", "馨园", "御景", "东湖", "南湖", "北湖", "滨河",
	"华府", "望城", "星光", "翠屏", "南滨", "北滨", "金港", "江湾", "锦苑", "盛世",
	"天府", "彩虹", "月光", "新桥", "沿江", "临江门", "大码头", "盐井", "石榴", "杏坛",
}

// villageNames are names of villages (村), before the word 村.
var villageNames = []string{
	"桃花", "清泉", "金竹", "白果", "红岩", "青龙", "石门", "杉树", "柏林", "松林",
	"梨园", "荷塘", "古井", "高峰", "三合", "五星", "七里", "八角", "九龙", "大坪",
	"小河", "长岭", "团山", "月亮湾", "狮子口", "马鞍山", "黄桷", "水井湾", "天池", "莲花",
	"碧水", "龙泉", "金鸡", "银河", "双龙", "三元", "四合", "六合", "万福", "千秋",
	"桂花", "竹林", "茶园", "柑橘", "橘香", "稻香", "麦田", "杨柳", "青杠", "白鹤",
	"鹰嘴", "燕子岩", "龙凤", "凤岭", "石龙", "铁山", "铜锣", "金鱼", "玉峰", "云雾",
	"朝天", "回龙", "太和", "中和", "保和", "永丰", "丰收", "新民", "新农", "胜天",
	"红星", "光辉", "东升", "向阳", "先锋", "前进", "联合", "合兴", "兴旺", "跃进",
	"清溪", "响水", "沙坝", "河口", "平桥", "观音", "寨子", "石林", "柳林", "花果",
}

// villageSurnames and placeSuffixes make village names of the common "杨家湾" kind.
var (
	villageSurnames = []string{"杨", "李", "王", "陈", "张", "刘", "黄", "赵", "周", "吴", "何", "罗", "唐", "邓", "谢", "冉", "曾", "蒋", "彭", "余"}
	placeSuffixes   = []string{"湾", "坝", "沟", "坪", "岭", "庄", "塘", "桥", "院", "岗", "冲", "堡", "营", "垭"}
)

// department is a district department (区级部门) with the industries it supervises
// (unit_industries) and the title of its head.
type department struct {
	slug       string   // English short name; the user is "dept-" + slug
	code       string   // appended to the district code: 330199-JW
	name       string   // 区住房和城乡建设委员会
	short      string   // 区建委
	head       string   // title of the main leader
	chief      string   // title of the head of its safety section
	industries []string // industries it supervises (行业监管)
}

// safetyOffice is the slug of the safety office: 应急管理局, which also houses the office
// of the safety committee (安委办) and runs the platform.
const safetyOffice = "safety"

// departments lists the district departments in display order.
var departments = []department{
	{safetyOffice, "AJ", "区应急管理局（区安委办）", "区应急局", "局长、区安委办主任", "安全生产综合协调科科长", []string{"hazardous_chemicals"}},
	{"construction", "JW", "区住房和城乡建设委员会", "区建委", "主任", "安全科科长", []string{"construction"}},
	{"education", "JY", "区教育委员会", "区教委", "主任", "安全科科长", []string{"education"}},
	{"transport", "JT", "区交通运输委员会", "区交委", "主任", "安全科科长", []string{"road_traffic", "water"}},
	{"market", "SJ", "区市场监督管理局", "区市场监管局", "局长", "特种设备安全监察科科长", []string{"special_equipment", "industry_trade"}},
	{"fire", "XF", "区消防救援支队", "区消防支队", "支队长", "防火监督科科长", []string{"fire"}},
	{"traffic-police", "JJ", "区公安分局交通管理支队", "区交巡警支队", "支队长", "秩序科科长", []string{"road_traffic"}},
	{"economy", "JX", "区经济和信息化委员会", "区经信委", "主任", "安全科科长", []string{"industry_trade", "hazardous_chemicals"}},
	{"planning", "GH", "区规划和自然资源局", "区规资局", "局长", "矿产资源科科长", []string{"mines"}},
	{"tourism", "WL", "区文化和旅游委员会", "区文旅委", "主任", "安全科科长", []string{"tourism"}},
	{"urban", "CG", "区城市管理局", "区城管局", "局长", "燃气管理科科长", []string{"gas"}},
	{"agriculture", "NW", "区农业农村委员会", "区农委", "主任", "农机安全科科长", []string{"agriculture"}},
	{"water", "SL", "区水利局", "区水利局", "局长", "安全科科长", []string{"water"}},
	{"commerce", "SW", "区商务委员会", "区商务委", "主任", "安全科科长", []string{"industry_trade"}},
	{"health", "WJ", "区卫生健康委员会", "区卫健委", "主任", "安全科科长", nil},
	{"civil", "MZ", "区民政局", "区民政局", "局长", "安全科科长", nil},
	{"environment", "HJ", "区生态环境局", "区环境局", "局长", "安全科科长", []string{"hazardous_chemicals"}},
	{"sasac", "GZ", "区国有资产监督管理委员会", "区国资委", "主任", "安全科科长", nil},
	{"police", "GA", "区公安分局", "区公安分局", "局长", "治安科科长", nil},
	{"development", "FG", "区发展和改革委员会", "区发改委", "主任", "安全科科长", nil},
	{"finance", "CZ", "区财政局", "区财政局", "局长", "安全科科长", nil},
	{"hr", "RS", "区人力资源和社会保障局", "区人社局", "局长", "安全科科长", nil},
}

// body is one of the four leadership bodies (四大班子).
type body struct {
	category string // party_committee, government, congress, cppcc
	code     string
	name     string // as the district calls it, like its departments: 区委
}

// bodies lists the four leadership bodies: the party committee decides, the government
// executes, the people's congress supervises, the CPPCC evaluates.
var bodies = []body{
	{"party_committee", "QW", "区委"},
	{"government", "ZF", "区政府"},
	{"congress", "RD", "区人大常委会"},
	{"cppcc", "ZX", "区政协"},
}
