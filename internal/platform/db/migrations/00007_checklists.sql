-- Self-inspection checklists (自查自报): one general template (通用安全自查表, no industry)
-- and one per industry of 00002_industries.sql, each with concrete items that carry the
-- hazard category and grade a failed answer becomes. Seed data only; ids come from the
-- database (INSERT … SELECT), so nothing depends on their values.

-- +goose Up
INSERT INTO checklist_templates (industry, name, created_at) VALUES (NULL, '通用安全自查表', '2026-01-01 00:00:00+00:00');

INSERT INTO checklist_templates (industry, name, created_at)
SELECT code, name_zh || '安全自查表', '2026-01-01 00:00:00+00:00' FROM industries
WHERE code IN ('road_traffic', 'construction', 'hazardous_chemicals', 'industry_trade', 'fire', 'special_equipment',
               'mines', 'education', 'tourism', 'gas', 'agriculture', 'water')
ORDER BY sort_order;

WITH v (industry, position, text, category, grade) AS (VALUES
    ('general', 1, '安全生产责任制是否建立并落实到每个岗位', 'management', 'general'),
    ('general', 2, '主要负责人和安全管理人员是否经安全培训考核合格', 'management', 'general'),
    ('general', 3, '从业人员是否经三级安全教育培训并建立培训档案', 'management', 'general'),
    ('general', 4, '危险场所和设备设施是否规范设置安全警示标志', 'unsafe_condition', 'general'),
    ('general', 5, '消防器材是否配备齐全并在有效期内', 'unsafe_condition', 'general'),
    ('general', 6, '安全出口、疏散通道是否畅通，应急照明是否完好', 'unsafe_condition', 'general'),
    ('general', 7, '电气线路是否规范敷设，有无私拉乱接', 'unsafe_condition', 'general'),
    ('general', 8, '劳动防护用品是否按规定发放并正确佩戴', 'unsafe_act', 'general'),
    ('general', 9, '生产安全事故应急预案是否制定并定期演练', 'management', 'general'),
    ('general', 10, '隐患排查治理台账是否建立并闭环销号', 'management', 'general'),

    ('construction', 1, '临边、洞口防护是否到位', 'unsafe_condition', 'general'),
    ('construction', 2, '深基坑支护及变形监测是否符合专项方案', 'unsafe_condition', 'major'),
    ('construction', 3, '脚手架是否经验收合格，密目式安全网是否满挂', 'unsafe_condition', 'general'),
    ('construction', 4, '高大模板支撑体系是否按方案搭设并经验收', 'unsafe_condition', 'major'),
    ('construction', 5, '塔式起重机安装验收和使用登记是否齐全', 'unsafe_condition', 'general'),
    ('construction', 6, '施工用电是否落实三级配电、两级漏电保护', 'unsafe_condition', 'general'),
    ('construction', 7, '特种作业人员是否持证上岗', 'unsafe_act', 'general'),
    ('construction', 8, '作业人员是否正确佩戴安全帽、高处作业是否系挂安全带', 'unsafe_act', 'general'),
    ('construction', 9, '危险性较大的分部分项工程专项方案是否编制、审批并交底', 'management', 'general'),
    ('construction', 10, '施工现场动火作业是否审批，消防设施是否到位', 'management', 'general'),

    ('road_traffic', 1, '营运车辆是否按期年检和二级维护', 'unsafe_condition', 'general'),
    ('road_traffic', 2, '驾驶员是否持有效驾驶证和从业资格证', 'unsafe_act', 'general'),
    ('road_traffic', 3, '车辆动态监控系统是否在线并有专人监控', 'management', 'general'),
    ('road_traffic', 4, '超速、疲劳驾驶等违法行为是否及时纠正并处理', 'unsafe_act', 'general'),
    ('road_traffic', 5, '是否存在超载、超限运输', 'unsafe_act', 'major'),
    ('road_traffic', 6, '客运车辆安全带、安全锤、灭火器是否齐全有效', 'unsafe_condition', 'general'),
    ('road_traffic', 7, '驾驶员是否定期参加安全教育和安全例会', 'management', 'general'),
    ('road_traffic', 8, '出车前安全例检是否落实并记录', 'management', 'general'),
    ('road_traffic', 9, '停车场地消防设施和车辆停放是否符合要求', 'environment', 'general'),

    ('hazardous_chemicals', 1, '危险化学品是否分类、分区、限量储存', 'unsafe_condition', 'general'),
    ('hazardous_chemicals', 2, '重大危险源是否登记建档并实施在线监控', 'management', 'major'),
    ('hazardous_chemicals', 3, '可燃、有毒气体检测报警装置是否完好并定期检定', 'unsafe_condition', 'general'),
    ('hazardous_chemicals', 4, '装置区、罐区防火间距是否符合规范', 'environment', 'major'),
    ('hazardous_chemicals', 5, '动火、受限空间等特殊作业是否履行审批', 'management', 'general'),
    ('hazardous_chemicals', 6, '安全仪表和联锁系统是否投用，有无擅自摘除', 'unsafe_condition', 'major'),
    ('hazardous_chemicals', 7, '危险化学品出入库是否登记，账物是否相符', 'management', 'general'),
    ('hazardous_chemicals', 8, '作业人员是否熟知化学品安全技术说明书和应急处置', 'unsafe_act', 'general'),
    ('hazardous_chemicals', 9, '防雷防静电设施是否定期检测合格', 'unsafe_condition', 'general'),
    ('hazardous_chemicals', 10, '洗眼器、防毒面具等应急物资是否配备完好', 'unsafe_condition', 'general'),

    ('industry_trade', 1, '粉尘涉爆场所除尘系统是否规范并定期清扫', 'unsafe_condition', 'major'),
    ('industry_trade', 2, '有限空间作业是否落实先通风、再检测、后作业', 'unsafe_act', 'major'),
    ('industry_trade', 3, '机械设备传动部位防护罩是否齐全', 'unsafe_condition', 'general'),
    ('industry_trade', 4, '冲压设备安全防护装置是否有效', 'unsafe_condition', 'general'),
    ('industry_trade', 5, '涉氨制冷场所是否设置泄漏报警并有应急处置措施', 'unsafe_condition', 'general'),
    ('industry_trade', 6, '员工宿舍是否与生产、仓储场所分开设置', 'environment', 'major'),
    ('industry_trade', 7, '叉车等场内机动车辆是否持证驾驶', 'unsafe_act', 'general'),
    ('industry_trade', 8, '仓库物品是否分类堆放并保持安全间距', 'environment', 'general'),
    ('industry_trade', 9, '岗位安全操作规程是否张贴上墙并执行', 'management', 'general'),

    ('fire', 1, '火灾自动报警和自动喷水灭火系统是否正常运行', 'unsafe_condition', 'general'),
    ('fire', 2, '消防控制室是否 24 小时双人值班且持证上岗', 'management', 'general'),
    ('fire', 3, '疏散通道、安全出口是否被占用、堵塞或锁闭', 'unsafe_condition', 'major'),
    ('fire', 4, '常闭式防火门是否保持关闭，闭门器是否完好', 'unsafe_condition', 'general'),
    ('fire', 5, '消火栓水带、水枪是否齐全，水压是否正常', 'unsafe_condition', 'general'),
    ('fire', 6, '是否在室内、楼道违规停放电动自行车或充电', 'unsafe_act', 'general'),
    ('fire', 7, '是否使用易燃、可燃材料装修或搭建', 'unsafe_condition', 'general'),
    ('fire', 8, '每日防火巡查、每月防火检查是否落实并记录', 'management', 'general'),
    ('fire', 9, '员工是否会报警、会扑救初起火灾、会组织疏散', 'unsafe_act', 'general'),

    ('special_equipment', 1, '特种设备是否办理使用登记并按期检验', 'management', 'general'),
    ('special_equipment', 2, '电梯安全管理人员和维护保养单位是否落实', 'management', 'general'),
    ('special_equipment', 3, '压力容器安全阀、压力表是否定期校验', 'unsafe_condition', 'general'),
    ('special_equipment', 4, '起重机械限位、制动装置是否灵敏可靠', 'unsafe_condition', 'general'),
    ('special_equipment', 5, '锅炉水位表、超压报警装置是否完好', 'unsafe_condition', 'general'),
    ('special_equipment', 6, '特种设备作业人员是否持证上岗', 'unsafe_act', 'general'),
    ('special_equipment', 7, '气瓶是否分类存放并有防倾倒措施', 'unsafe_condition', 'general'),
    ('special_equipment', 8, '是否使用国家明令淘汰或已经报废的特种设备', 'unsafe_condition', 'major'),
    ('special_equipment', 9, '特种设备安全技术档案是否齐全', 'management', 'general'),

    ('mines', 1, '露天采场边坡是否按设计留设台阶，有无伞檐和浮石', 'unsafe_condition', 'major'),
    ('mines', 2, '尾矿库坝体有无裂缝、渗漏，浸润线是否超限', 'unsafe_condition', 'major'),
    ('mines', 3, '是否自上而下分台阶开采，杜绝一面墙开采', 'unsafe_act', 'major'),
    ('mines', 4, '爆破作业是否由持证人员实施并设置警戒', 'unsafe_act', 'general'),
    ('mines', 5, '民用爆炸物品储存、领用、清退是否登记', 'management', 'general'),
    ('mines', 6, '采场、排土场安全警示标志是否设置', 'environment', 'general'),
    ('mines', 7, '矿用设备是否取得矿用产品安全标志', 'unsafe_condition', 'general'),
    ('mines', 8, '边坡和排土场位移监测是否正常运行', 'management', 'general'),
    ('mines', 9, '矿山救护协议是否签订，应急物资是否储备', 'management', 'general'),

    ('education', 1, '校舍是否经安全鉴定，有无危房仍在使用', 'unsafe_condition', 'major'),
    ('education', 2, '校门口防冲撞设施是否设置，安保人员是否在岗', 'unsafe_condition', 'general'),
    ('education', 3, '食堂燃气使用和食品安全管理是否规范', 'unsafe_condition', 'general'),
    ('education', 4, '校车是否取得使用许可，驾驶人是否具备资格', 'management', 'general'),
    ('education', 5, '教学楼、宿舍消防设施是否完好，疏散通道是否畅通', 'unsafe_condition', 'general'),
    ('education', 6, '是否落实 2530 安全教育（放学前 2 分钟、周末前 5 分钟、节假日前 30 分钟）', 'management', 'general'),
    ('education', 7, '实验室危险化学品是否专柜存放、双人双锁', 'unsafe_condition', 'general'),
    ('education', 8, '每学期是否组织应急疏散演练', 'management', 'general'),
    ('education', 9, '防溺水等安全教育是否覆盖全体学生和家长', 'management', 'general'),

    ('tourism', 1, '游乐设施是否经检验合格并每日试运行', 'unsafe_condition', 'general'),
    ('tourism', 2, '景区最大承载量是否核定并实施流量控制', 'management', 'general'),
    ('tourism', 3, '临水、临崖等危险地段是否设置护栏和警示标志', 'environment', 'general'),
    ('tourism', 4, '旅游客运车辆和驾驶人资质是否合规', 'management', 'general'),
    ('tourism', 5, '水上游览项目是否配备救生设备和救生员', 'unsafe_condition', 'general'),
    ('tourism', 6, '高风险旅游项目是否制定专项应急预案', 'management', 'general'),
    ('tourism', 7, '导游和从业人员是否接受安全培训', 'management', 'general'),
    ('tourism', 8, '极端天气是否及时发布预警并暂停危险项目', 'management', 'major'),

    ('gas', 1, '燃气场站可燃气体泄漏报警是否与紧急切断阀联锁', 'unsafe_condition', 'major'),
    ('gas', 2, '燃气管道是否被占压或穿越密闭空间', 'unsafe_condition', 'major'),
    ('gas', 3, '餐饮场所燃气用户是否安装泄漏报警装置', 'unsafe_condition', 'general'),
    ('gas', 4, '瓶装液化气是否存在违规充装或使用过期钢瓶', 'unsafe_condition', 'general'),
    ('gas', 5, '燃气连接软管是否超长、老化或为非金属软管', 'unsafe_condition', 'general'),
    ('gas', 6, '管网巡线是否按规定频次开展并记录', 'management', 'general'),
    ('gas', 7, '入户安检是否按期开展，隐患是否书面告知用户', 'management', 'general'),
    ('gas', 8, '燃气设施上方和周边是否设置安全警示标志', 'environment', 'general'),
    ('gas', 9, '抢险抢修队伍和车辆是否 24 小时值守', 'management', 'general'),

    ('agriculture', 1, '拖拉机、联合收割机是否登记挂牌并按期检验', 'management', 'general'),
    ('agriculture', 2, '农机驾驶操作人员是否持有效驾驶证', 'unsafe_act', 'general'),
    ('agriculture', 3, '是否存在农机违法载人', 'unsafe_act', 'general'),
    ('agriculture', 4, '旋转部件、传动部位防护装置是否完好', 'unsafe_condition', 'general'),
    ('agriculture', 5, '灯光、反光标识是否齐全有效', 'unsafe_condition', 'general'),
    ('agriculture', 6, '是否存在酒后、疲劳操作农机', 'unsafe_act', 'general'),
    ('agriculture', 7, '农机停放场所是否远离易燃物并配备灭火器', 'environment', 'general'),
    ('agriculture', 8, '农机作业前是否进行安全检查', 'management', 'general'),

    ('water', 1, '船舶是否持有效检验证书和适航证书', 'management', 'general'),
    ('water', 2, '渡船是否超载，救生衣是否按定员配足', 'unsafe_condition', 'major'),
    ('water', 3, '船员是否持证上岗', 'unsafe_act', 'general'),
    ('water', 4, '水库、堤坝有无渗漏、裂缝、滑坡迹象', 'unsafe_condition', 'major'),
    ('water', 5, '汛期是否落实 24 小时值班和巡查', 'management', 'general'),
    ('water', 6, '危险水域是否设置警示标志和防护设施', 'environment', 'general'),
    ('water', 7, '闸门启闭设备是否完好并定期维护', 'unsafe_condition', 'general'),
    ('water', 8, '恶劣天气是否执行停航、禁航规定', 'management', 'general'),
    ('water', 9, '水上作业人员是否穿戴救生衣', 'unsafe_act', 'general')
)
INSERT INTO checklist_items (template_id, position, text, category, grade)
SELECT t.id, v.position, v.text, v.category, v.grade
FROM v JOIN checklist_templates t ON COALESCE(t.industry, 'general') = v.industry
ORDER BY t.id, v.position;

-- +goose Down
DELETE FROM checklist_items;
DELETE FROM checklist_templates;
