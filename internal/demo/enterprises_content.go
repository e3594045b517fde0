package demo

// What the demo enterprises' files hold per industry: their risk points (风险分级管控:
// where, what could go wrong, how it is controlled) and the hazards inspectors and the
// enterprises themselves find there, each tied to the risk point it belongs to. Major
// hazards follow the national criteria for 重大事故隐患 of each industry.

// riskTemplate is one kind of risk point of an industry.
type riskTemplate struct {
	name, place, factors, accidents, measures string
	grade                                     string // the usual grade: low, general, significant
	canMajor                                  bool   // large sites may grade it major (重大风险)
}

// entHazard is one kind of hazard found at an enterprise of an industry.
type entHazard struct {
	t    hazardTemplate
	risk int // index of the risk point it belongs to in the industry's risks, -1: none
}

// entContent holds the risk points and hazards per industry.
var entContent = map[string]struct {
	risks   []riskTemplate
	hazards []entHazard
}{
	"industry_trade": {
		risks: []riskTemplate{
			{"粉尘涉爆作业区", "打磨抛光车间", "可燃性粉尘积聚、除尘系统故障、静电和电气火花", "粉尘爆炸、火灾", "除尘系统每班清扫并记录，电气设备防爆，严禁明火，定期检测粉尘浓度", "significant", true},
			{"有限空间", "污水池、化粪池", "缺氧，硫化氢等有毒气体积聚", "中毒和窒息", "作业审批，先通风、再检测、后作业，专人监护，配备救援器材", "significant", true},
			{"机械加工区", "生产车间", "设备传动部位无防护、违章操作", "机械伤害", "防护罩齐全，操作规程上墙，班前检查", "general", false},
			{"配电室", "配电房", "电气设备老化、绝缘失效", "触电、火灾", "持证电工巡检，使用绝缘工器具，每年检测", "general", false},
			{"成品仓库", "成品仓库", "可燃物集中堆放、通道堵塞", "火灾、物体打击", "分区定置堆放，保持通道畅通，配齐灭火器", "general", false},
			{"叉车装卸区", "装卸平台", "场内车辆与行人混行、无证驾驶", "车辆伤害", "人车分流，持证驾驶，设置限速标志", "low", false},
			{"冷库制冷机房", "制冷机房", "制冷剂泄漏、管道锈蚀", "中毒、冻伤", "泄漏报警装置，定期检修，应急演练", "significant", true},
		},
		hazards: []entHazard{
			{hazardTemplate{"粉尘爆炸危险场所除尘系统不符合要求", "unsafe_condition", "打磨车间粉尘积聚，除尘系统采用正压吹送、未设置泄爆装置，电气设备非防爆型。", "立即停止打磨作业，按规范改造除尘系统并设置泄爆、隔爆装置，更换防爆电气设备，每班清扫积尘。", true}, 0},
			{hazardTemplate{"有限空间作业未落实审批和监护", "management", "污水池清淤作业未办理审批，作业前未检测气体，作业时无人监护。", "严格执行有限空间作业审批，落实“先通风、再检测、后作业”，配备气体检测仪和救援器材，设专人监护。", true}, 1},
			{hazardTemplate{"设备传动部位防护罩缺失", "unsafe_condition", "冲床、砂轮机传动部位防护罩缺失，易造成卷入伤害。", "加装防护罩，开机前检查防护装置，完善设备点检记录。", false}, 2},
			{hazardTemplate{"车间电气线路私拉乱接", "unsafe_condition", "车间配电箱未上锁，临时线路私拉乱接、沿地面拖设。", "由持证电工规范敷设线路并穿管保护，配电箱加锁并张贴警示标志。", false}, 3},
			{hazardTemplate{"仓库货物堵塞安全出口", "unsafe_condition", "成品仓库货物堆放堵塞安全出口和疏散通道。", "清理出口和通道，划线定置堆放，每日巡查。", false}, 4},
			{hazardTemplate{"叉车司机无证驾驶", "unsafe_act", "场内叉车由未取得作业人员证的员工驾驶。", "停止无证驾驶，驾驶人取证后方可上岗，叉车钥匙专人管理。", false}, 5},
			{hazardTemplate{"员工未佩戴劳动防护用品", "unsafe_act", "打磨、切割岗位员工未佩戴防护眼镜和防尘口罩。", "配发合格劳动防护用品，督促正确佩戴，开展班前教育。", false}, -1},
			{hazardTemplate{"新员工未经三级安全教育上岗", "management", "新入职员工未经三级安全教育即上岗，培训档案缺失。", "补齐三级安全教育并考核，建立员工培训档案。", false}, -1},
		},
	},
	"fire": {
		risks: []riskTemplate{
			{"消防控制室", "消防控制室", "值班人员脱岗、消防系统故障", "火灾扩大、人员伤亡", "24小时双人值班、持证上岗，每日检查系统运行", "general", false},
			{"厨房", "后厨", "燃气泄漏、烟道积油", "火灾、爆炸", "安装燃气报警和切断装置，每季度清洗烟道", "significant", true},
			{"疏散通道和安全出口", "各楼层", "通道堵塞、出口锁闭", "群死群伤", "每日防火巡查，营业期间出口全部开启", "general", false},
			{"电动自行车停放充电区", "地面车棚", "违规充电、线路老化", "火灾", "集中停放，智能充电，定时断电", "general", false},
			{"配电房", "配电房", "电气故障、小动物进入", "触电、火灾", "定期检测，封堵孔洞", "low", false},
			{"客房和包间", "客房楼层", "卧床吸烟、可燃装修材料", "火灾", "禁止卧床吸烟，烟感报警，定时巡查", "general", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"营业期间安全出口锁闭", "unsafe_condition", "营业期间两处安全出口上锁，疏散楼梯间堆放杂物。", "立即开启安全出口并清理楼梯间，营业期间安排专人巡查，出口安装推闩式门锁。", true}, 2},
			{hazardTemplate{"自动喷水灭火系统瘫痪", "unsafe_condition", "自动喷水灭火系统报警阀组关闭，末端试水无压力，系统处于瘫痪状态。", "委托维保单位检修恢复系统，维修期间增配灭火器并安排专人巡查值守。", true}, 0},
			{hazardTemplate{"消防控制室值班人员未持证", "management", "消防控制室仅一人值班，且未取得消防设施操作员证书。", "落实双人值班，值班人员取证上岗，完善值班记录。", false}, 0},
			{hazardTemplate{"厨房烟道油污积聚", "unsafe_condition", "厨房排油烟管道油污积聚，超过半年未清洗。", "委托专业单位清洗烟道，建立清洗台账，每季度清洗一次。", false}, 1},
			{hazardTemplate{"电动自行车在楼内违规充电", "unsafe_act", "员工将电动自行车推入楼内走道充电。", "清理楼内车辆，设置集中充电点，开展员工教育。", false}, 3},
			{hazardTemplate{"常闭式防火门处于开启状态", "unsafe_condition", "楼梯间常闭式防火门被木楔固定在开启状态，闭门器损坏。", "拆除木楔，修复闭门器，张贴“防火门保持关闭”标识。", false}, 2},
			{hazardTemplate{"员工不会使用灭火器", "management", "抽查员工不会使用灭火器和室内消火栓，未组织消防培训和演练。", "组织全员消防培训，每半年开展一次疏散演练。", false}, -1},
		},
	},
	"construction": {
		risks: []riskTemplate{
			{"深基坑", "基坑", "坑壁坍塌、支护变形、坑边超载", "坍塌、淹溺", "专项方案经论证，第三方监测，坑边限载", "significant", true},
			{"高大模板支撑体系", "模板支撑区", "立杆失稳、超载浇筑", "坍塌", "专家论证，验收合格后浇筑，浇筑时专人监测", "significant", true},
			{"塔式起重机", "塔吊", "安全装置失效、违章吊装", "起重伤害", "定期检测，持证司机和信号工，每日班前检查", "significant", true},
			{"外脚手架", "外架", "连墙件缺失、防护不到位", "高处坠落、物体打击", "验收挂牌，满挂密目网，每周检查", "general", false},
			{"施工临时用电", "配电系统", "私拉乱接、漏电保护失效", "触电", "三级配电、两级保护，持证电工巡检", "general", false},
			{"钢筋加工区", "钢筋加工棚", "机械防护缺失", "机械伤害", "设置防护棚，操作规程上墙", "low", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"深基坑支护变形未监测", "environment", "基坑深度超过5米，支护结构出现裂缝变形，未按方案开展第三方监测。", "立即撤离坑内作业人员，委托第三方监测，组织专家论证并加固支护。", true}, 0},
			{hazardTemplate{"高支模未经专家论证即准备浇筑", "management", "高大模板支撑体系专项方案未经专家论证，立杆间距超出方案要求，已准备浇筑混凝土。", "立即停止浇筑，组织专家论证，按方案整改支撑体系，验收合格后方可施工。", true}, 1},
			{hazardTemplate{"塔吊力矩限制器失效", "unsafe_condition", "塔式起重机力矩限制器失效，仍在进行吊装作业。", "立即停止塔吊作业，委托有资质单位维修，检测合格后方可使用。", true}, 2},
			{hazardTemplate{"外脚手架连墙件缺失", "unsafe_condition", "外脚手架多处连墙件被拆除，作业层未满铺脚手板。", "按方案补设连墙件，满铺脚手板，经验收合格后使用。", false}, 3},
			{hazardTemplate{"楼层临边洞口无防护", "unsafe_condition", "楼层临边、电梯井口未设置防护栏杆和防护门。", "设置1.2米防护栏杆和定型化防护门，悬挂警示标志。", false}, 3},
			{hazardTemplate{"临时用电未做到一机一闸一漏", "unsafe_condition", "开关箱一闸多用，漏电保护器失灵。", "按“一机一闸一漏一箱”整改，更换漏电保护器，每日检测。", false}, 4},
			{hazardTemplate{"特种作业人员无证上岗", "management", "现场电焊工、架子工未持有效特种作业操作证。", "清退无证人员，更换持证人员上岗，完善进场登记。", false}, -1},
		},
	},
	"hazardous_chemicals": {
		risks: []riskTemplate{
			{"储罐区", "储罐区", "易燃液体泄漏、静电、雷击", "火灾、爆炸", "液位报警和紧急切断，防雷防静电每年检测", "significant", true},
			{"装卸作业区", "卸油口、装卸台", "静电、跑冒滴漏", "火灾、爆炸、中毒", "静电接地，专人监护，装卸前检查", "significant", false},
			{"危险化学品仓库", "危化品仓库", "超量储存、禁忌物混存", "火灾、爆炸、中毒", "分类分区限量储存，双人双锁，出入库登记", "general", true},
			{"加油和营业区", "营业区", "明火、使用手机、车辆未熄火", "火灾", "严禁烟火，配足灭火器材，加油员监督", "general", false},
			{"生产装置区", "反应釜区", "超温超压、联锁失效", "爆炸、中毒", "安全仪表和联锁投用，工艺参数监控", "significant", true},
			{"配电室", "配电室", "电气故障", "触电、火灾", "定期检测，持证电工巡检", "low", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"重大危险源未实现紧急切断功能", "unsafe_condition", "储罐区重大危险源未设置紧急切断装置，液位报警未接入控制室。", "增设紧急切断阀并与液位报警联锁，接入控制室实时监控，完成前降低储存量。", true}, 0},
			{hazardTemplate{"动火作业未办理审批", "management", "设备检修动火作业未办理动火作业票，作业前未进行可燃气体分析。", "停止作业，严格执行特殊作业审批和气体分析，作业全程专人监护。", true}, 4},
			{hazardTemplate{"卸油作业未静电接地", "unsafe_act", "卸油作业时未连接静电接地装置，卸油期间无人监护。", "严格执行卸油操作规程，卸油前连接静电接地，安排专人监护。", false}, 1},
			{hazardTemplate{"危化品仓库禁忌物混存", "unsafe_condition", "仓库内氧化剂与易燃液体混存，库存超过核定数量。", "按禁忌物分区分类存放，清理超量危化品，完善出入库台账。", false}, 2},
			{hazardTemplate{"可燃气体报警器未定期检定", "unsafe_condition", "罐区可燃气体报警器超过一年未检定，部分探头失效。", "委托有资质单位检定，更换失效探头，建立检定台账。", false}, 0},
			{hazardTemplate{"加油区未落实严禁烟火", "unsafe_act", "加油区内有人吸烟、接打手机，加油员未制止。", "加强员工培训，设置醒目警示标志，落实劝阻职责。", false}, 3},
			{hazardTemplate{"主要负责人未经安全考核", "management", "企业主要负责人和安全管理人员未取得安全合格证。", "组织主要负责人和安全管理人员参加培训考核，取证前由持证人员代管。", false}, -1},
		},
	},
	"road_traffic": {
		risks: []riskTemplate{
			{"营运车辆", "车队", "车辆带病运行、安全设施缺失", "道路交通事故", "出车前例检，按期二级维护和年检", "significant", true},
			{"驾驶员", "驾驶员队伍", "疲劳驾驶、超速、分心驾驶", "道路交通事故", "动态监控，连续驾驶不超过4小时，每月安全教育", "significant", false},
			{"停车场", "停车场", "车辆碰撞、电气火灾", "车辆伤害、火灾", "限速行驶，配足消防器材", "low", false},
			{"维修车间", "修理车间", "举升设备失效、焊接动火", "机械伤害、火灾", "设备定期检查，动火审批", "general", false},
			{"充电区", "场内充电桩", "动力电池热失控", "火灾", "充电时专人巡查，设置防火分隔", "general", false},
			{"动态监控平台", "监控室", "监控不到位、报警未处置", "道路交通事故", "24小时专人值守，报警处置闭环", "general", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"使用报废车辆从事营运", "unsafe_condition", "一辆已达报废标准的客车仍在从事营运。", "立即停止该车营运，依法办理报废注销，全面排查在册车辆技术状况。", true}, 0},
			{hazardTemplate{"动态监控平台无人值守", "management", "动态监控平台夜间无人值守，车辆超速报警未处置。", "落实24小时专人值守，建立超速、疲劳驾驶报警处置台账，对违规驾驶员教育处理。", true}, 5},
			{hazardTemplate{"驾驶员超时驾驶", "unsafe_act", "监控记录显示驾驶员连续驾驶超过4小时未休息。", "调整排班，落实驾驶员停车休息制度，对违规驾驶员教育处理。", false}, 1},
			{hazardTemplate{"车辆安全锤和灭火器缺失", "unsafe_condition", "部分客车安全锤缺失、灭火器过期。", "补齐安全锤，更换灭火器，纳入出车前例检。", false}, 0},
			{hazardTemplate{"出车前安全例检未落实", "management", "车辆出车前安全例检记录缺失。", "落实出车前例检制度，例检不合格车辆不得出站。", false}, 0},
			{hazardTemplate{"维修车间举升机未定期检查", "unsafe_condition", "维修车间举升机保险装置失效，无检查记录。", "维修保险装置，建立设备定期检查记录。", false}, 3},
		},
	},
	"gas": {
		risks: []riskTemplate{
			{"燃气调压站", "调压站", "燃气泄漏、设备故障", "火灾、爆炸", "每日巡检，泄漏报警，定期检测", "significant", true},
			{"液化气钢瓶间", "钢瓶间", "钢瓶泄漏、超期未检、超量存放", "火灾、爆炸", "独立气瓶间，安装报警器，限量存放", "general", true},
			{"厨房用气区", "厨房", "软管老化、无报警切断装置", "火灾、爆炸", "报警切断联动，使用金属软管，下班关阀", "general", false},
			{"燃气管网", "中压管道", "第三方施工破坏、违章占压", "爆炸", "巡线，设置警示标志，施工前交底", "significant", true},
			{"钢瓶充装区", "充装台", "超装、静电", "爆炸", "充装前检查，充装追溯，静电接地", "significant", true},
			{"配电房", "配电房", "电气故障", "触电、火灾", "定期检测", "low", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"地下室违规使用液化石油气", "unsafe_condition", "在地下室厨房使用液化石油气钢瓶，通风不良。", "立即停止在地下室使用液化石油气，改用管道天然气或电能，拆除钢瓶并登记。", true}, 1},
			{hazardTemplate{"燃气管道被违章占压", "environment", "中压燃气管道上方违章搭建构筑物，管道被占压。", "拆除违章占压构筑物，设置管道警示标志，加密巡线。", true}, 3},
			{hazardTemplate{"未安装可燃气体报警和紧急切断装置", "unsafe_condition", "后厨使用燃气，未安装可燃气体报警器和紧急切断阀。", "安装可燃气体报警器并与紧急切断阀联动，定期测试。", false}, 2},
			{hazardTemplate{"钢瓶充装未落实追溯", "management", "充装记录不全，钢瓶未粘贴充装追溯标签。", "完善充装追溯系统，逐瓶登记，未检钢瓶不得充装。", false}, 4},
			{hazardTemplate{"燃气软管老化超长", "unsafe_condition", "燃气连接软管老化龟裂，长度超过2米并穿墙使用。", "更换为金属波纹管，软管长度不超过2米且不得穿墙。", false}, 2},
			{hazardTemplate{"使用过期未检钢瓶", "unsafe_condition", "使用超过检验期限的液化石油气钢瓶。", "停止使用过期钢瓶，从合法供气站购气并索取充装记录。", false}, 1},
			{hazardTemplate{"员工不会燃气泄漏应急处置", "management", "抽查员工不会关闭总阀，未组织燃气泄漏应急演练。", "开展燃气安全培训和应急演练，张贴操作规程。", false}, -1},
		},
	},
	"special_equipment": {
		risks: []riskTemplate{
			{"在保电梯", "维保电梯", "制动器失效、门锁故障", "剪切、坠落、困人", "半月维保，年度检验，困人救援演练", "significant", true},
			{"锅炉房", "锅炉房", "超压、缺水", "爆炸、烫伤", "安全阀校验，持证操作，水位监测", "significant", true},
			{"起重机械", "桥式起重机", "钢丝绳断丝、限位失效", "起重伤害", "日检月检，持证作业，定期检验", "significant", true},
			{"压力容器", "储气罐", "安全阀失效、腐蚀", "爆炸", "定期检验，安全阀校验", "general", true},
			{"游乐设施", "游乐设施", "安全压杠失效、结构疲劳", "高处坠落、碰撞", "每日试运行检查，定期检验", "significant", true},
			{"场内机动车辆", "叉车", "无证驾驶、制动失效", "车辆伤害", "使用登记，持证驾驶", "general", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"电梯制动器失效仍在运行", "unsafe_condition", "维保电梯制动器磨损超标，存在溜梯风险，仍在运行。", "立即停梯，更换制动器部件，经检验合格后恢复运行。", true}, 0},
			{hazardTemplate{"起重机限位器失效", "unsafe_condition", "桥式起重机上升限位器失效，钢丝绳断丝超标，仍在吊装作业。", "停止使用，更换钢丝绳并修复限位器，经检验合格后使用。", true}, 2},
			{hazardTemplate{"游乐设施未经定期检验", "unsafe_condition", "大型游乐设施超过定期检验期限仍在运营。", "立即停止运营，申报定期检验，检验合格后方可运营。", true}, 4},
			{hazardTemplate{"锅炉安全阀超期未校验", "unsafe_condition", "锅炉安全阀超过校验期限，压力表未检定。", "委托有资质单位校验安全阀、检定压力表，建立台账。", false}, 1},
			{hazardTemplate{"压力容器未办理使用登记", "management", "储气罐未办理使用登记即投入使用。", "办理使用登记，纳入定期检验计划。", false}, 3},
			{hazardTemplate{"电梯维保记录与实际不符", "management", "电梯维保记录与实际不符，存在未到现场即签字现象。", "整改维保记录，落实维保人员到场签字，加强内部抽查。", false}, 0},
			{hazardTemplate{"叉车无证驾驶", "unsafe_act", "叉车驾驶人未取得特种设备作业人员证。", "停止无证驾驶，驾驶人取证后方可上岗。", false}, 5},
		},
	},
	"mines": {
		risks: []riskTemplate{
			{"露天采场边坡", "露天采场", "高陡边坡、浮石", "坍塌、滑坡、高处坠落", "分台阶开采，边坡在线监测，雨后巡查", "significant", true},
			{"排土场", "排土场", "堆置过高、排水不畅", "滑坡、泥石流", "分层堆置，截排水，定期监测", "significant", true},
			{"爆破作业区", "爆破区", "盲炮、飞石、警戒不到位", "爆炸伤害", "持证爆破，设置警戒，爆后检查", "significant", true},
			{"破碎筛分车间", "破碎车间", "粉尘、传动部位无防护", "机械伤害、尘肺病", "设置防护罩，喷雾降尘", "general", false},
			{"矿区运输道路", "矿区道路", "超载、制动失效", "车辆伤害", "限速，设置挡车墙", "general", false},
			{"民爆物品临时存放点", "炸药库", "超量储存、看护不到位", "爆炸", "双人双锁，视频监控，领退登记", "significant", true},
		},
		hazards: []entHazard{
			{hazardTemplate{"采场边坡浮石未清理", "environment", "采场形成高陡边坡，坡面有浮石，未按设计分台阶开采。", "停止开采，清除浮石，按设计削坡分台阶，设置监测点。", true}, 0},
			{hazardTemplate{"超出批准范围开采", "unsafe_act", "未按设计开采，超出批准的开采范围。", "立即停止越界开采，按设计恢复开采范围，重新编制开采方案。", true}, 0},
			{hazardTemplate{"排土场坡脚出现裂缝", "environment", "排土场堆土过高，坡脚出现裂缝。", "停止排土，削坡减载，雨季加密监测。", false}, 1},
			{hazardTemplate{"爆破警戒不到位", "unsafe_act", "爆破作业时警戒范围不足，未清场即起爆。", "按爆破设计设置警戒，落实清场和警戒人员。", false}, 2},
			{hazardTemplate{"破碎机防护罩缺失", "unsafe_condition", "破碎机皮带传动部位防护罩缺失。", "加装防护罩，开机前检查。", false}, 3},
			{hazardTemplate{"运矿车辆超载", "unsafe_act", "运矿车辆严重超载并沿村道行驶。", "落实源头治超，过磅出场，超载车辆不得出场。", false}, 4},
			{hazardTemplate{"民爆物品领退记录不全", "management", "民爆物品领退记录不全，临时存放点未落实看护。", "完善领退台账，落实双人双锁看护。", false}, 5},
		},
	},
	"education": {
		risks: []riskTemplate{
			{"教学楼", "教学楼", "楼梯拥挤、栏杆松动", "踩踏、高处坠落", "错峰上下楼，课间护导值班", "general", false},
			{"学校食堂", "食堂", "燃气泄漏、食品安全", "火灾、中毒", "燃气报警切断，从业人员持证上岗", "general", false},
			{"实验室", "化学实验室", "危险化学试剂", "中毒、灼伤、火灾", "双人双锁，领用登记", "general", false},
			{"学生宿舍", "宿舍楼", "违规使用电器", "火灾", "查寝，限电保护", "general", false},
			{"校门口接送区", "校门口", "车辆与学生混行", "道路交通事故", "护学岗，上下学时段交通疏导", "general", false},
			{"周边水域", "周边河塘", "学生私自下水", "淹溺", "警示标志，防溺水教育", "general", false},
			{"老旧校舍", "老旧校舍", "结构老化", "坍塌", "定期安全鉴定", "low", true},
		},
		hazards: []entHazard{
			{hazardTemplate{"校舍经鉴定为D级危房仍在使用", "unsafe_condition", "教学楼墙体出现贯穿裂缝，经鉴定为D级危房，仍在安排教学。", "立即停止使用，调整教学场所，实施加固或拆除重建。", true}, 6},
			{hazardTemplate{"食堂未安装燃气报警装置", "unsafe_condition", "学校食堂使用燃气，未安装可燃气体报警器。", "安装可燃气体报警器和紧急切断阀，食堂人员培训上岗。", false}, 1},
			{hazardTemplate{"实验室化学试剂管理混乱", "management", "实验室化学试剂未分类存放，无领用登记。", "分类存放试剂，落实双人双锁和领用登记。", false}, 2},
			{hazardTemplate{"宿舍违规使用大功率电器", "unsafe_act", "学生宿舍查出电热毯、热得快等大功率电器。", "收缴违规电器，加强查寝，安装限电保护装置。", false}, 3},
			{hazardTemplate{"放学时段护学岗未落实", "management", "放学时段校门口无护学岗，家长车辆占道。", "落实护学岗，联系交巡警加强疏导。", false}, 4},
			{hazardTemplate{"周边水域防溺水警示缺失", "environment", "学校周边河塘未设置防溺水警示牌和救生设施。", "设置警示牌，配备救生圈、救生杆，开展防溺水教育。", false}, 5},
			{hazardTemplate{"安全教育“2530”未落实", "management", "学校未落实“2530”安全教育制度，放学前安全提醒无记录。", "落实每天放学前2分钟、周末前5分钟、节假日前30分钟安全教育，并做好记录。", false}, -1},
		},
	},
	"tourism": {
		risks: []riskTemplate{
			{"游步道和观景台", "游步道", "临崖临水、护栏松动", "高处坠落", "每日巡查，高峰限流", "general", true},
			{"水上游乐项目", "漂流河段", "落水、翻船", "淹溺", "配足救生员和救生衣，险滩设救援点", "significant", true},
			{"厨房", "厨房", "燃气泄漏", "火灾", "报警切断装置，下班关阀", "general", false},
			{"客房", "客房", "消防设施不足", "火灾", "配齐灭火器和应急照明", "general", false},
			{"游客聚集区", "停车场和广场", "人员拥挤", "踩踏", "限流，专人疏导", "general", false},
			{"旅游车辆", "租用车辆", "车辆资质不全", "道路交通事故", "审核车辆和驾驶员资质", "low", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"漂流救生设施配置不足", "unsafe_condition", "漂流河段救生员和救生设备配置不足，险滩处无救援点。", "增配救生员和救生设备，在险滩处设立救援点，暂停超员运营。", true}, 1},
			{hazardTemplate{"玻璃栈道未经检测投入使用", "unsafe_condition", "玻璃栈道投入使用前未经第三方安全检测。", "暂停使用，委托第三方检测，合格后方可开放。", true}, 0},
			{hazardTemplate{"游步道护栏松动", "unsafe_condition", "临崖游步道护栏松动锈蚀。", "更换加固护栏，修复前封闭该段游步道。", false}, 0},
			{hazardTemplate{"厨房液化气钢瓶与灶具同室", "unsafe_condition", "厨房液化气钢瓶与灶具同室，无报警器。", "设置独立气瓶间，安装可燃气体报警器。", false}, 2},
			{hazardTemplate{"客房未配置消防设施", "unsafe_condition", "客房未配置灭火器和应急照明。", "配齐灭火器和应急照明，张贴疏散示意图。", false}, 3},
			{hazardTemplate{"节假日超最大承载量接待", "management", "节假日接待游客超过核定最大承载量，无限流措施。", "落实预约和限流措施，制定客流疏导方案。", false}, 4},
			{hazardTemplate{"租用无资质旅游车辆", "management", "组团租用的车辆无道路旅客运输资质。", "租用有资质的旅游客运车辆，核查驾驶员从业资格。", false}, 5},
		},
	},
	"agriculture": {
		risks: []riskTemplate{
			{"农机库棚", "农机库", "柴油储存、电线老化", "火灾", "柴油限量单独存放，配备灭火器", "general", false},
			{"拖拉机和联合收割机", "农机", "制动失效、违规载人", "机械伤害、道路交通事故", "按期年检，持证驾驶", "general", false},
			{"沼气池和粪污池", "沼气池", "有毒气体积聚", "中毒窒息、爆炸", "有限空间作业审批，通风检测，专人监护", "significant", true},
			{"粮食烘干设备", "烘干房", "粉尘、高温", "火灾、机械伤害", "定期清扫，操作规程上墙", "general", false},
			{"农药储存点", "农药库", "误用、泄漏", "中毒", "专柜存放，双人双锁", "low", false},
			{"植保无人机作业", "作业区域", "坠落伤人", "物体打击", "持证操作，设置警示区", "low", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"沼气池清掏未落实有限空间审批", "management", "沼气池清掏作业未审批、未检测，无人监护。", "严格执行有限空间作业审批，先通风、再检测、后作业，配备救援器材并专人监护。", true}, 2},
			{hazardTemplate{"拖拉机未按期年检", "management", "合作社部分拖拉机未按期参加年度检验。", "组织农机年检，建立农机安全档案。", false}, 1},
			{hazardTemplate{"农机库棚违规存放柴油", "unsafe_condition", "农机库棚内存放大量柴油，周边电线老化。", "柴油移至专用储存点，更换老化电线，配备灭火器。", false}, 0},
			{hazardTemplate{"烘干机防护罩缺失", "unsafe_condition", "粮食烘干机传动部位防护罩缺失。", "加装防护罩，作业前检查。", false}, 3},
			{hazardTemplate{"农药与饲料混存", "unsafe_condition", "农药与饲料、种子混存在同一库房。", "设置农药专柜，分区存放，张贴警示标志。", false}, 4},
			{hazardTemplate{"植保无人机操作员未经培训", "management", "植保无人机操作员未经培训，作业区域无警示。", "组织操作员培训，作业时设置警示区域。", false}, 5},
		},
	},
	"water": {
		risks: []riskTemplate{
			{"大坝和挡水建筑物", "大坝", "渗漏、裂缝、超汛限水位", "溃坝", "日常巡查，变形渗流监测", "significant", true},
			{"水轮发电机组和泵站", "厂房", "机械转动、电气", "机械伤害、触电", "检修规程，工作票制度", "general", false},
			{"加氯间", "加氯间", "氯气泄漏", "中毒", "泄漏报警和吸收装置，配备防毒面具", "significant", true},
			{"营运船舶", "船舶", "超载、设备故障", "淹溺、碰撞", "核定载客，配足救生设备", "significant", true},
			{"码头装卸区", "码头", "起重作业、临水作业", "起重伤害、淹溺", "设置临水防护和警示", "general", false},
			{"配电房", "配电房", "电气故障", "触电、火灾", "定期检测", "low", false},
		},
		hazards: []entHazard{
			{hazardTemplate{"坝体渗漏未处理", "unsafe_condition", "坝体背水坡出现渗漏点，坝脚有湿润区，未采取处理措施。", "降低库水位运行，组织渗漏处理，汛期加密巡查。", true}, 0},
			{hazardTemplate{"加氯间泄漏报警装置失效", "unsafe_condition", "加氯间氯气泄漏报警装置失效，吸收装置无法联动。", "立即维修报警和吸收装置，修复前专人值守并配备防毒面具。", true}, 2},
			{hazardTemplate{"船舶救生设备配备不足", "unsafe_condition", "营运船舶救生衣数量少于核定载客人数。", "按核定载客人数配足救生衣，开航前检查。", false}, 3},
			{hazardTemplate{"船舶超载运行", "unsafe_act", "赶场日船舶超载运行，乘客未穿救生衣。", "严格核定载客人数，落实乘客穿救生衣，安排专人管理。", false}, 3},
			{hazardTemplate{"码头临水区域无防护", "environment", "码头临水作业区域无防护栏杆和救生设施。", "设置防护栏杆，配备救生圈和救生杆。", false}, 4},
			{hazardTemplate{"机组转动部位防护罩缺失", "unsafe_condition", "水轮发电机组转动部位防护罩缺失。", "加装防护罩，检修时执行工作票。", false}, 1},
		},
	},
}

func init() {
	for _, ind := range entIndustries {
		c, ok := entContent[ind.code]
		if !ok {
			panic("demo: no enterprise content for " + ind.code)
		}
		ind.risks, ind.hazards = c.risks, c.hazards
		for _, h := range ind.hazards {
			if h.risk >= len(ind.risks) {
				panic("demo: hazard " + h.t.title + " points past the risk points")
			}
		}
	}
}
