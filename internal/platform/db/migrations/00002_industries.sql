-- The industries (行业领域) of the glossary. Departments supervise them; leaders are in
-- charge of them (分管); enterprises and hazards belong to one.

-- +goose Up
INSERT INTO industries (code, name_zh, name_en, sort_order) VALUES
    ('road_traffic', '道路交通', 'Road traffic', 10),
    ('construction', '建设施工', 'Construction', 20),
    ('hazardous_chemicals', '危险化学品', 'Hazardous chemicals', 30),
    ('industry_trade', '工商贸', 'Industry and trade', 40),
    ('fire', '消防', 'Fire safety', 50),
    ('special_equipment', '特种设备', 'Special equipment', 60),
    ('mines', '非煤矿山', 'Mines', 70),
    ('education', '学校安全', 'Schools', 80),
    ('tourism', '旅游', 'Tourism', 90),
    ('gas', '城镇燃气', 'Town gas', 100),
    ('agriculture', '农业机械', 'Agricultural machinery', 110),
    ('water', '水利水上', 'Water works and waterways', 120);

-- +goose Down
DELETE FROM industries;
