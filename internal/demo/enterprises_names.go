package demo

import (
	"fmt"
	"strings"

	"github.com/safeduty/safeduty/internal/enterprise"
)

// The demo enterprises' kinds and names: per industry of migration 00002, how many
// enterprises there are, the kinds of enterprise with the words their names end with,
// the credit-code type they register under, their usual size and whether they sit in
// town or in the villages. Names are built the way enterprises name themselves: an
// optional place (临江, the town) and a trade name (字号) before the kind
// (临江宏达建筑工程有限公司), or a place and the kind for the ones named after where
// they stand (江滨加油站, 青石镇液化气供应站, 望江中学).

// Where a kind named after a place takes the place from.
const (
	placeTown     = "town"     // the town's short name: 江滨加油站
	placeTownFull = "townFull" // the town's full name: 青石镇液化气供应站
	placeVillage  = "village"  // the village or community, without 村/社区: 桃花小学
)

// entKind is one kind of enterprise of an industry.
type entKind struct {
	weight   int
	place    string   // "" or one of place…: where a name after the place comes from
	placePct int      // share of the kind named after the place; the rest have a trade name
	brands   []string // trade names; nil: brandsGeneral
	suffixes []string // what the name ends with
	credit   string   // the code's first two characters; "": 91 for a company, 92 otherwise
	scale    [4]int   // weights of large, medium, small, micro
	urban    int      // 0–10: how much it prefers community grids to village grids
}

// entIndustry is what the demo knows about the enterprises of an industry.
type entIndustry struct {
	code       string
	count      int  // enterprises of the industry
	industrial bool // more of them in the industrial towns, often in the industrial park
	hazardW    int  // how many hazards its enterprises have, relative to the others (10: average)
	majorW     int  // how likely one of them has an open major hazard, relative (10: average)
	// contingency replaces the public places' 五落实 contingency plan for a major hazard
	// at an enterprise of the industry, when set.
	contingency string
	kinds       []entKind
	risks       []riskTemplate
	hazards     []entHazard
}

// industrialTowns are the towns with an industrial park (工业园区); industrial
// enterprises gather there.
var industrialTowns = map[string]bool{"白沙镇": true, "双河镇": true, "石桥镇": true}

// parkRoads name the roads of the industrial parks.
var parkRoads = []string{"创业大道", "工业大道", "科技路", "兴业路", "园区一路", "园区二路", "园区三路", "振兴路"}

// Trade names (字号). brandsGeneral serves most kinds; the others suit restaurants,
// kindergartens, farms and tourism.
var (
	brandsGeneral = []string{
		"宏达", "鑫源", "永兴", "华泰", "锦程", "恒通", "金诚", "顺发", "兴旺", "昌盛",
		"宏远", "瑞丰", "华信", "天成", "联创", "正泰", "新亚", "东方", "明辉", "嘉禾",
		"泰和", "福源", "利达", "聚鑫", "汇丰", "盛达", "宏图", "永安", "安达", "众诚",
		"博远", "德润", "凯达", "富盛", "鸿运", "祥和", "金鼎", "天力", "中兴", "万利",
		"广源", "新宇", "长兴", "益民", "恒丰", "隆盛", "卓越", "星辰", "同心", "金桥",
		"和顺", "腾达", "远航", "银河", "宝丰", "永盛", "恒达", "佳美", "信达", "友邦",
		"千禾", "润泽", "华康", "荣昌", "弘毅", "振华", "丰泽", "启航", "旭日", "鼎盛",
		"晟达", "华宇", "金鹏", "盛世", "诚信", "瑞祥", "宏盛", "华联", "久安", "合力",
		"永利", "锦华", "茂源", "嘉信", "兴达", "远大", "海纳", "鑫盛", "科力", "精工",
		"通达", "顺通", "畅达", "安顺", "捷运", "天宇", "金马", "翔宇", "华夏", "神州",
		"江城", "金龙", "新兴", "三元", "四海", "五洲", "九鼎", "百川", "万通", "亿丰",
		"中天", "大成", "明达", "立信", "力拓", "东升", "西城", "南方", "北辰", "中诚",
		"鑫达", "鑫海", "鑫华", "恒信", "恒源", "恒盛", "宏泰", "宏宇", "宏发", "华盛",
		"华源", "华兴", "金源", "金泰", "金盛", "金达", "天润", "天宏", "天泽", "祥瑞",
	}
	brandsFood = []string{
		"老码头", "蜀香", "渝味", "福满楼", "好运来", "聚福", "江湖", "乡村", "食为天", "大碗",
		"老灶", "家常", "川味", "湘味", "聚贤", "悦来", "客来", "满江红", "一品", "鸿福",
		"喜相逢", "老地方", "江畔", "山城", "状元", "金玉满堂", "百味", "香满园", "农家", "味道",
		"小龙坎", "老街", "巷子", "石锅", "柴火", "土灶", "渔家", "鱼乐", "好再来", "欢聚",
		"四季", "丰味", "红运", "春风", "锦绣", "盛宴", "吉祥", "如意", "团圆", "和记",
	}
	brandsKids = []string{
		"小太阳", "童心", "蓝天", "启智", "育英", "贝贝", "七彩", "小天使", "金色童年", "爱心",
		"智慧树", "小精灵", "阳光宝贝", "快乐童年", "博爱", "春苗", "育才", "小红花", "彩虹", "星星",
		"新苗", "蒲公英", "向日葵", "小海豚", "小蜜蜂", "爱弥儿", "童话", "乐乐", "未来星", "晨曦",
	}
	brandsFarm = []string{
		"绿源", "兴农", "丰收", "金穗", "惠农", "沃土", "田园", "青山", "碧水", "山水",
		"绿野", "五谷", "禾丰", "稻香", "果香", "茶香", "富农", "益农", "金果", "绿洲",
		"丰裕", "瑞禾", "嘉农", "万亩", "百果", "金田", "绿园", "清泉", "生态", "硒谷",
	}
	brandsTour = []string{
		"山水", "云间", "听涛", "揽月", "桃花源", "竹里", "江畔", "半山", "青溪", "悠然",
		"栖霞", "云栖", "枕水", "归园", "闲云", "望山", "清风", "明月", "松涛", "溪畔",
		"隐庐", "山居", "水岸", "花间", "南山", "东篱", "陌上", "拾光", "云端", "林间",
	}
)

// entIndustries are the industries of migration 00002 with their enterprises: 3,000 in
// all, most of them small, the industrial ones in the industrial towns, the shops,
// hotels and schools in the streets.
var entIndustries = []*entIndustry{
	{code: "industry_trade", count: 900, industrial: true, hazardW: 10, majorW: 12,
		kinds: []entKind{
			{weight: 22, suffixes: []string{"机械制造有限公司", "机械有限公司", "五金制品有限公司", "金属制品有限公司", "汽车零部件有限公司", "模具有限公司", "阀门有限公司", "电机有限公司"}, scale: [4]int{3, 18, 50, 29}, urban: 2},
			{weight: 10, suffixes: []string{"木业有限公司", "家具有限公司", "木制品厂"}, scale: [4]int{1, 10, 45, 44}, urban: 1},
			{weight: 14, suffixes: []string{"食品有限公司", "粮油有限公司", "调味品有限公司", "茶业有限公司", "饮品有限公司", "酒业有限公司"}, scale: [4]int{2, 12, 46, 40}, urban: 3},
			{weight: 8, suffixes: []string{"纺织有限公司", "服饰有限公司", "制衣有限公司", "鞋业有限公司"}, scale: [4]int{1, 12, 47, 40}, urban: 3},
			{weight: 10, suffixes: []string{"新型建材有限公司", "水泥制品有限公司", "管业有限公司", "石材加工有限公司", "砂浆有限公司"}, scale: [4]int{1, 12, 45, 42}, urban: 1},
			{weight: 9, suffixes: []string{"包装有限公司", "印务有限公司", "纸业有限公司", "塑料制品有限公司"}, scale: [4]int{1, 12, 45, 42}, urban: 3},
			{weight: 7, suffixes: []string{"冷链物流有限公司", "仓储有限公司", "仓储物流有限公司"}, scale: [4]int{1, 10, 45, 44}, urban: 5},
			{weight: 12, suffixes: []string{"超市", "购物超市", "商贸有限公司", "五金建材经营部"}, scale: [4]int{0, 4, 36, 60}, urban: 8},
			{weight: 8, suffixes: []string{"汽车维修有限公司", "汽车修理厂", "汽车服务有限公司"}, scale: [4]int{0, 5, 45, 50}, urban: 6},
		}},
	{code: "fire", count: 450, hazardW: 9, majorW: 8,
		kinds: []entKind{
			{weight: 20, place: placeTown, placePct: 20, suffixes: []string{"大酒店", "宾馆", "酒店", "商务酒店"}, credit: "91", scale: [4]int{2, 15, 45, 38}, urban: 8},
			{weight: 14, suffixes: []string{"KTV", "娱乐会所", "网络会所", "电竞馆", "洗浴中心", "影城"}, scale: [4]int{0, 8, 42, 50}, urban: 9},
			{weight: 6, place: placeTown, placePct: 100, suffixes: []string{"农贸市场", "综合市场"}, credit: "91", scale: [4]int{1, 20, 50, 29}, urban: 7},
			{weight: 8, suffixes: []string{"购物中心", "商业管理有限公司", "百货商场", "家居建材市场"}, credit: "91", scale: [4]int{3, 20, 45, 32}, urban: 8},
			{weight: 4, place: placeTownFull, placePct: 100, suffixes: []string{"敬老院"}, credit: "12", scale: [4]int{0, 10, 60, 30}, urban: 3},
			{weight: 6, suffixes: []string{"养老服务中心", "颐养院", "康养中心"}, credit: "52", scale: [4]int{0, 10, 50, 40}, urban: 6},
			{weight: 14, suffixes: []string{"物业管理有限公司", "物业服务有限公司"}, scale: [4]int{1, 15, 50, 34}, urban: 10},
			{weight: 20, suffixes: []string{"便利店", "服装店", "家电商行", "副食店", "药房"}, scale: [4]int{0, 0, 20, 80}, urban: 8},
		}},
	{code: "construction", count: 300, industrial: true, hazardW: 14, majorW: 20,
		kinds: []entKind{
			{weight: 1, suffixes: []string{"建筑工程有限公司", "建设工程有限公司", "建筑劳务有限公司", "装饰工程有限公司", "市政工程有限公司",
				"园林绿化工程有限公司", "钢结构工程有限公司", "商品混凝土有限公司", "路桥工程有限公司"}, scale: [4]int{4, 20, 46, 30}, urban: 5},
		}},
	{code: "hazardous_chemicals", count: 150, industrial: true, hazardW: 13, majorW: 20,
		contingency: "降低储存量并停止相关作业，设置警戒区域，配备吸附、堵漏和灭火器材，落实24小时专人值守和应急处置方案",
		kinds: []entKind{
			{weight: 30, place: placeVillage, placePct: 70, suffixes: []string{"加油站"}, credit: "91", scale: [4]int{0, 20, 60, 20}, urban: 4},
			{weight: 18, suffixes: []string{"化工有限公司", "化工科技有限公司", "新材料有限公司", "涂料有限公司", "精细化工有限公司"}, scale: [4]int{5, 30, 45, 20}, urban: 1},
			{weight: 18, suffixes: []string{"化工贸易有限公司", "危险化学品经营部", "油漆经营部"}, scale: [4]int{0, 5, 40, 55}, urban: 6},
			{weight: 8, suffixes: []string{"工业气体有限公司", "气体有限公司"}, scale: [4]int{1, 15, 50, 34}, urban: 2},
			{weight: 14, place: placeTown, placePct: 40, suffixes: []string{"烟花爆竹经营部", "烟花爆竹批发有限公司"}, scale: [4]int{0, 5, 30, 65}, urban: 4},
			{weight: 12, place: placeVillage, placePct: 100, suffixes: []string{"农资店", "农资经营部"}, scale: [4]int{0, 0, 20, 80}, urban: 0},
		}},
	{code: "road_traffic", count: 180, hazardW: 9, majorW: 10,
		contingency: "停止涉事车辆营运，落实动态监控专人值守，驾驶员停岗教育，完成前不得安排相关线路和车辆",
		kinds: []entKind{
			{weight: 1, suffixes: []string{"汽车运输有限公司", "客运有限公司", "物流有限公司", "货运有限公司", "出租汽车有限公司", "公共交通有限公司",
				"机动车驾驶员培训有限公司", "旅游客运有限公司", "渣土运输有限公司"}, scale: [4]int{3, 18, 45, 34}, urban: 6},
		}},
	{code: "gas", count: 250, hazardW: 8, majorW: 10,
		kinds: []entKind{
			{weight: 3, suffixes: []string{"燃气有限公司", "天然气有限公司", "能源有限公司"}, scale: [4]int{20, 40, 30, 10}, urban: 6},
			{weight: 10, place: placeTownFull, placePct: 60, suffixes: []string{"液化气供应站"}, credit: "91", scale: [4]int{0, 5, 40, 55}, urban: 3},
			{weight: 87, brands: brandsFood, suffixes: []string{"酒楼", "火锅店", "餐饮管理有限公司", "饭店", "食府", "农家饭庄", "中餐馆", "烧烤店"}, scale: [4]int{0, 3, 25, 72}, urban: 7},
		}},
	{code: "special_equipment", count: 180, hazardW: 9, majorW: 12,
		kinds: []entKind{
			{weight: 30, place: placeTown, placePct: 30, suffixes: []string{"电梯维保有限公司", "电梯工程有限公司", "电梯有限公司"}, scale: [4]int{1, 15, 50, 34}, urban: 9},
			{weight: 15, suffixes: []string{"起重设备安装有限公司", "起重机械有限公司", "吊装有限公司"}, scale: [4]int{1, 15, 50, 34}, urban: 3},
			{weight: 12, suffixes: []string{"热力有限公司", "蒸汽供应有限公司", "锅炉安装有限公司"}, scale: [4]int{2, 20, 48, 30}, urban: 3},
			{weight: 8, suffixes: []string{"气瓶检验有限公司", "气体充装站"}, scale: [4]int{0, 10, 50, 40}, urban: 3},
			{weight: 12, suffixes: []string{"游乐设备有限公司", "游乐园", "儿童乐园"}, scale: [4]int{0, 10, 40, 50}, urban: 8},
			{weight: 10, suffixes: []string{"叉车租赁有限公司", "机械设备租赁有限公司"}, scale: [4]int{0, 8, 45, 47}, urban: 4},
		}},
	{code: "mines", count: 40, industrial: true, hazardW: 16, majorW: 25,
		kinds: []entKind{
			{weight: 1, place: placeVillage, placePct: 45, suffixes: []string{"采石场", "石场", "砂石厂", "矿业有限公司", "砂石有限公司", "石料有限公司", "页岩砖厂"}, scale: [4]int{2, 25, 50, 23}, urban: 0},
		}},
	{code: "education", count: 180, hazardW: 7, majorW: 3,
		kinds: []entKind{
			{weight: 14, place: placeTown, placePct: 100, suffixes: []string{"中学", "初级中学"}, credit: "12", scale: [4]int{0, 40, 55, 5}, urban: 5},
			{weight: 40, place: placeVillage, placePct: 100, suffixes: []string{"小学", "中心小学"}, credit: "12", scale: [4]int{0, 25, 60, 15}, urban: 5},
			{weight: 16, place: placeVillage, placePct: 100, suffixes: []string{"中心幼儿园", "幼儿园"}, credit: "12", scale: [4]int{0, 10, 60, 30}, urban: 5},
			{weight: 22, brands: brandsKids, suffixes: []string{"幼儿园", "双语幼儿园"}, credit: "52", scale: [4]int{0, 5, 45, 50}, urban: 7},
			{weight: 8, suffixes: []string{"职业技能培训学校", "培训学校"}, credit: "52", scale: [4]int{0, 5, 45, 50}, urban: 8},
		}},
	{code: "tourism", count: 150, hazardW: 7, majorW: 8,
		kinds: []entKind{
			{weight: 12, place: placeVillage, placePct: 80, suffixes: []string{"旅游开发有限公司", "风景区管理有限公司"}, scale: [4]int{2, 25, 50, 23}, urban: 1},
			{weight: 15, suffixes: []string{"旅行社有限公司", "国际旅行社有限公司"}, scale: [4]int{0, 10, 50, 40}, urban: 9},
			{weight: 45, brands: brandsTour, place: placeVillage, placePct: 35, suffixes: []string{"农家乐", "山庄", "生态园"}, scale: [4]int{0, 2, 30, 68}, urban: 0},
			{weight: 18, brands: brandsTour, suffixes: []string{"民宿", "客栈"}, scale: [4]int{0, 0, 30, 70}, urban: 2},
			{weight: 5, place: placeVillage, placePct: 100, suffixes: []string{"漂流有限公司", "峡谷漂流"}, credit: "91", scale: [4]int{0, 20, 60, 20}, urban: 0},
		}},
	{code: "agriculture", count: 160, hazardW: 5, majorW: 4,
		contingency: "停止相关作业并设置警示标志，有限空间作业前通风检测，配备防护和救援器材，安排专人看护",
		kinds: []entKind{
			{weight: 45, place: placeVillage, placePct: 100, suffixes: []string{"农机专业合作社", "种植专业合作社", "果蔬专业合作社", "茶叶专业合作社", "养殖专业合作社"}, credit: "93", scale: [4]int{0, 5, 45, 50}, urban: 0},
			{weight: 25, brands: brandsFarm, suffixes: []string{"家庭农场"}, credit: "92", scale: [4]int{0, 0, 30, 70}, urban: 0},
			{weight: 18, brands: brandsFarm, suffixes: []string{"生态养殖有限公司", "畜牧有限公司", "养殖场"}, scale: [4]int{1, 10, 45, 44}, urban: 0},
			{weight: 12, brands: brandsFarm, suffixes: []string{"农业开发有限公司", "农业科技有限公司"}, scale: [4]int{1, 12, 50, 37}, urban: 1},
		}},
	{code: "water", count: 60, hazardW: 8, majorW: 12,
		kinds: []entKind{
			{weight: 20, place: placeTown, placePct: 60, suffixes: []string{"水厂", "自来水有限公司", "水务有限公司"}, credit: "91", scale: [4]int{2, 30, 50, 18}, urban: 3},
			{weight: 25, place: placeVillage, placePct: 100, suffixes: []string{"水电站"}, credit: "91", scale: [4]int{0, 10, 50, 40}, urban: 0},
			{weight: 25, suffixes: []string{"航运有限公司", "船务有限公司", "港务有限公司"}, scale: [4]int{1, 15, 50, 34}, urban: 5},
			{weight: 30, suffixes: []string{"水利水电工程有限公司", "水利工程有限公司"}, scale: [4]int{1, 15, 50, 34}, urban: 3},
		}},
}

// villageStem is a village's or community's name without 村 or 社区: 桃花, 锦绣.
func villageStem(v *Village) string {
	return strings.TrimSuffix(strings.TrimSuffix(v.Name, "社区"), "村")
}

// entName draws a name of kind k at grid g that no other enterprise has.
func (b *builder) entName(k *entKind, g *Grid, used map[string]bool) string {
	v, t := g.Village, g.Village.Town
	brands := k.brands
	if brands == nil {
		brands = brandsGeneral
	}
	byPlace := k.place != "" && b.rng.IntN(100) < k.placePct
	for try := 0; ; try++ {
		suffix := pick(b, k.suffixes)
		var name string
		if byPlace && try < 4 {
			place := villageStem(v)
			switch {
			case try == 0 && k.place == placeTown:
				place = t.ShortName
			case try == 0 && k.place == placeTownFull:
				place = t.Name
			case try >= 2:
				place = v.Name
			}
			name = place + suffix
		} else {
			prefix := ""
			switch r := b.rng.IntN(100); {
			case r < 35:
				prefix = districtShort
			case r < 70:
				prefix = t.ShortName
			}
			name = prefix + pick(b, brands) + suffix
			if try > 40 { // the pools are large; this never happens in the demo
				name = fmt.Sprintf("%s%s第%d%s", prefix, pick(b, brands), try, suffix)
			}
		}
		if !used[name] {
			used[name] = true
			return name
		}
	}
}

// personName draws a name from the demo's pools (a woman's with probability women).
// Enterprise people are not in the people table, so names may repeat across enterprises.
func (b *builder) personName(women float64) string {
	given := maleGiven
	if b.rng.Float64() < women {
		given = femaleGiven
	}
	return pick(b, surnames) + pick(b, given)
}

// phone draws a mobile number no one else in the demo has.
func (b *builder) phone() string {
	for {
		p := fmt.Sprintf("%s%08d", pick(b, mobilePrefixes), b.rng.IntN(100_000_000))
		if !b.phones[p] {
			b.phones[p] = true
			return p
		}
	}
}

// orgCodeWeights weigh the 8 characters of an organization code (组织机构代码, GB 11714).
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCodeCheck computes the check character of an organization code's 8 characters.
func orgCodeCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * orgCodeWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// creditLetters are the characters of new-style organization codes (the credit code's
// alphabet without the digits' look-alikes).
const creditLetters = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode draws a unified social credit code of type typ (91 company, 92 individual
// business, 93 farmers' cooperative, 12 public institution, 52 private non-enterprise
// unit) registered in the district: the type, the district's division code, a 9-character
// organization code with its own check character, and the code's check character.
// Codes issued since 2015 carry MA… (MJ… for civil-affairs registrations); older ones
// kept the digits of the old organization code.
func (b *builder) creditCode(typ string, used map[string]bool) string {
	for {
		var body strings.Builder
		switch {
		case typ == "12": // public institutions kept their old codes
			body.WriteString(fmt.Sprintf("4%07d", b.rng.IntN(10_000_000)))
		case typ == "91" && b.rng.IntN(100) < 45:
			body.WriteString(fmt.Sprintf("%d%07d", 5+b.rng.IntN(3), b.rng.IntN(10_000_000)))
		default:
			if typ == "52" {
				body.WriteString("MJ")
			} else {
				body.WriteString("MA")
			}
			body.WriteByte("123"[b.rng.IntN(3)])
			for range 5 {
				body.WriteByte(creditLetters[b.rng.IntN(len(creditLetters))])
			}
		}
		org := body.String()
		org += string(orgCodeCheck(org))
		first := typ + districtCode + org
		c, err := enterprise.CreditCheckChar(first)
		if err != nil {
			panic("demo: credit code " + first + ": " + err.Error())
		}
		code := first + string(c)
		if !used[code] {
			used[code] = true
			return code
		}
	}
}
