package enterprise

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/input"
)

// Import limits: the page and the API read files through Import with these.
const (
	MaxImportBytes = 10 << 20
	MaxImportRows  = 20000
)

// ImportLimits bound an import file (xlsx or CSV) before anything is parsed: its size
// and, uncompressed, its parts, rows, columns and cells (see input.Limits).
func ImportLimits() input.Limits {
	l := input.DefaultLimits()
	l.Bytes = MaxImportBytes
	l.Rows = MaxImportRows + 1 // and the header
	l.Columns = 32
	l.Strings = MaxImportRows * len(importColumns)
	return l
}

// importBodyLimit caps the multipart body carrying the file: the file and its envelope.
const importBodyLimit = MaxImportBytes + 64<<10

// importTooLarge is the refusal of a body over importBodyLimit.
func importTooLarge() error {
	return apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": input.Size(MaxImportBytes)})
}

// importColumns are the workbook's columns: the field, its Chinese and English headers,
// and whether a value is required.
var importColumns = []struct {
	field    string
	zh, en   string
	required bool
}{
	{"name", "企业名称", "Name", true},
	{"credit_code", "统一社会信用代码", "Credit code", true},
	{"industry", "行业", "Industry", true},
	{"grid_code", "网格编码", "Grid code", true},
	{"scale", "规模", "Scale", true},
	{"address", "地址", "Address", false},
	{"legal_rep", "法定代表人", "Legal representative", false},
	{"safety_manager", "安全管理人员", "Safety manager", false},
	{"safety_phone", "联系电话", "Phone", false},
	{"standard_grade", "标准化等级", "Standardization", false},
}

// ImportReport says what an import did: every rejected row with its number (as Excel
// shows it) and reasons.
type ImportReport struct {
	Rows     int           `json:"rows"`
	Created  int           `json:"created"`
	Updated  int           `json:"updated"`
	Rejected []RejectedRow `json:"rejected"`
}

// RejectedRow is one row an import refused.
type RejectedRow struct {
	Row        int                `json:"row"`
	Name       string             `json:"name"`
	CreditCode string             `json:"credit_code"`
	Errors     []api.FieldProblem `json:"errors"`
}

// lookups resolve the workbook's words to codes: industries by code or name, scales and
// grades by code or Chinese name, grids by code within the caller's scope.
type lookups struct {
	industries map[string]string
	scales     map[string]string
	grades     map[string]string
	grids      map[string]db.ID // the grids in the caller's scope, by code
}

func (m *Module) lookups(ctx context.Context, sc auth.Scope) (lookups, error) {
	l := lookups{industries: map[string]string{}, scales: map[string]string{}, grades: map[string]string{}, grids: map[string]db.ID{}}
	var w db.Where
	w.AddCond(sc.PathCond("org_path"))
	grows, err := m.DB.Query(ctx, `SELECT code, id FROM grids`+w.SQL(), w.Args()...)
	if err != nil {
		return l, err
	}
	for grows.Next() {
		var code string
		var id db.ID
		if err := grows.Scan(&code, &id); err != nil {
			grows.Close()
			return l, err
		}
		l.grids[code] = id
	}
	grows.Close()
	rows, err := m.DB.Query(ctx, `SELECT code, name_zh, name_en FROM industries`)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var code, zh, en string
		if err := rows.Scan(&code, &zh, &en); err != nil {
			return l, err
		}
		l.industries[code], l.industries[zh], l.industries[strings.ToLower(en)] = code, code, code
	}
	for _, s := range Scales {
		l.scales[s] = s
		l.scales[i18n.Default.T(i18n.Zh, "enterprise.scale."+s, nil)] = s
	}
	for _, g := range StandardGrades {
		l.grades[g] = g
		l.grades[i18n.Default.T(i18n.Zh, "enterprise.grade."+g, nil)] = g
	}
	l.grades[""] = "none"
	return l, rows.Err()
}

// Import reads an .xlsx (the first sheet) or a CSV file, with a header row naming the
// columns in Chinese or English, in any order, and upserts enterprises by credit code:
// new codes are created, codes already registered in the caller's scope are updated.
// Every bad row is reported with its row number and reasons and does not block the good
// ones; the good rows are written in one transaction, so a failure writes none of them.
// A file beyond ImportLimits is refused (Invalid, naming the limit) before it is parsed.
func (m *Module) Import(ctx context.Context, p *auth.Principal, r io.Reader) (ImportReport, error) {
	rep := ImportReport{Rejected: []RejectedRow{}}
	rows, err := input.Open(r, ImportLimits())
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	loc := i18n.FromContext(ctx)
	lk, err := m.lookups(ctx, p.Scope)
	if err != nil {
		return rep, err
	}
	var header map[string]int
	type good struct {
		row int
		in  Input
	}
	var goods []good
	seen := map[string]int{} // credit code → row
	for rows.Next() {
		rowNum, cells := rows.Row(), rows.Cells()
		if header == nil {
			if header, err = readHeader(cells); err != nil {
				return rep, err
			}
			continue
		}
		if blank(cells) {
			continue
		}
		rep.Rows++
		if rep.Rows > MaxImportRows {
			return rep, apperr.New(apperr.Invalid, "enterprise.import_too_many", apperr.E{"max": MaxImportRows})
		}
		val := func(field string) string {
			i, ok := header[field]
			if !ok || i >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[i])
		}
		in, v := rowInput(p, lk, val)
		code := NormalizeCreditCode(val("credit_code"))
		if prev, dup := seen[code]; dup && code != "" {
			v.Add("credit_code", "enterprise.import_duplicate", apperr.E{"row": prev})
		} else if code != "" {
			seen[code] = rowNum
		}
		if len(v.Fields) > 0 {
			rep.Rejected = append(rep.Rejected, rejected(loc, rowNum, val("name"), code, v))
			continue
		}
		goods = append(goods, good{row: rowNum, in: in})
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if header == nil {
		return rep, apperr.New(apperr.Invalid, "enterprise.import_empty", nil)
	}
	err = m.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, g := range goods {
			var id db.ID
			err := tx.QueryRow(ctx, `SELECT id FROM enterprises WHERE credit_code = ?`, *g.in.CreditCode).Scan(&id)
			switch {
			case db.IsNoRows(err):
				if _, err := m.create(ctx, tx, p, g.in); err != nil {
					return fmt.Errorf("row %d: %w", g.row, err)
				}
				rep.Created++
			case err != nil:
				return err
			default:
				upd := g.in
				upd.CreditCode = nil
				err := m.update(ctx, tx, p, id, upd, "import")
				if apperr.Is(err, apperr.NotFound) {
					// Registered by a unit outside the caller's area: refuse the row, keep the rest.
					v := apperr.Validation{}
					v.Add("credit_code", "enterprise.import_outside", nil)
					rep.Rejected = append(rep.Rejected, rejected(loc, g.row, *g.in.Name, *g.in.CreditCode, &v))
					continue
				}
				if err != nil {
					return fmt.Errorf("row %d: %w", g.row, err)
				}
				rep.Updated++
			}
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.import", ObjectType: "enterprise",
			Detail: map[string]any{"rows": rep.Rows, "created": rep.Created, "updated": rep.Updated, "rejected": len(rep.Rejected)}})
	})
	if err != nil {
		return ImportReport{Rows: rep.Rows, Rejected: rep.Rejected}, err
	}
	return rep, nil
}

func readHeader(cells []string) (map[string]int, error) {
	h := map[string]int{}
	for i, c := range cells {
		c = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c), "*"))
		for _, col := range importColumns {
			if strings.EqualFold(c, col.zh) || strings.EqualFold(c, col.en) || strings.EqualFold(c, col.field) {
				h[col.field] = i
			}
		}
	}
	var missing []string
	for _, col := range importColumns {
		if _, ok := h[col.field]; !ok && col.required {
			missing = append(missing, col.zh)
		}
	}
	if len(missing) > 0 {
		return nil, apperr.New(apperr.Invalid, "enterprise.import_missing_columns", apperr.E{"columns": strings.Join(missing, "、")})
	}
	return h, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rowInput turns a row into an Input and collects its errors.
func rowInput(p *auth.Principal, lk lookups, val func(string) string) (Input, *apperr.Validation) {
	name, code, addr := val("name"), NormalizeCreditCode(val("credit_code")), val("address")
	legal, manager, phone := val("legal_rep"), val("safety_manager"), val("safety_phone")
	in := Input{Name: &name, CreditCode: &code, Address: &addr, LegalRep: &legal, SafetyManager: &manager, SafetyPhone: &phone}
	v := apperr.Validation{}
	for _, col := range importColumns {
		if rule := input.Text(val(col.field)); rule != "" {
			v.Add(col.field, rule, nil)
		}
	}
	if ind, ok := lk.industries[val("industry")]; ok {
		in.Industry = &ind
	} else if ind, ok := lk.industries[strings.ToLower(val("industry"))]; ok {
		in.Industry = &ind
	} else if val("industry") == "" {
		v.Add("industry", "validate.required", nil)
	} else {
		v.Add("industry", "enterprise.import_unknown_industry", apperr.E{"value": val("industry")})
	}
	if in.Industry != nil && !p.Scope.AllowsIndustry(*in.Industry) {
		v.Add("industry", "enterprise.industry_not_yours", nil)
	}
	if s, ok := lk.scales[val("scale")]; ok {
		in.Scale = &s
	} else {
		v.Add("scale", "validate.one_of", apperr.E{"values": "大型、中型、小型、微型"})
	}
	if g, ok := lk.grades[val("standard_grade")]; ok {
		in.StandardGrade = &g
	} else {
		v.Add("standard_grade", "validate.one_of", apperr.E{"values": "一级、二级、三级、未达标"})
	}
	gridCode := val("grid_code")
	gid, ok := lk.grids[gridCode]
	switch {
	case gridCode == "":
		v.Add("grid_code", "validate.required", nil)
	case !ok:
		v.Add("grid_code", "enterprise.import_unknown_grid", apperr.E{"value": gridCode})
	default:
		in.GridID = &gid
	}
	for _, fe := range in.validate(true).Fields {
		if fe.Field == "industry" || fe.Field == "grid_id" || fe.Field == "scale" {
			continue // reported above, in the workbook's terms
		}
		v.Fields = append(v.Fields, fe)
	}
	return in, &v
}

func rejected(loc i18n.Localizer, row int, name, code string, v *apperr.Validation) RejectedRow {
	r := RejectedRow{Row: row, Name: name, CreditCode: code}
	for _, fe := range v.Fields {
		r.Errors = append(r.Errors, api.FieldProblem{Field: fe.Field, Rule: fe.Key[strings.LastIndex(fe.Key, ".")+1:], Message: loc.TArgs(fe.Key, fe.Args)})
	}
	return r
}

// Template writes the import workbook for p: the columns (required ones marked *), an
// example row that the import accepts as it stands (a grid and an industry of p's scope,
// a credit code with its check character, the district's own name in the address), and
// a sheet explaining the allowed values.
func (m *Module) Template(ctx context.Context, p *auth.Principal, w io.Writer) error {
	example, err := m.templateExample(ctx, p)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "企业名录"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, col := range importColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		h := col.zh
		if col.required {
			h += "*"
		}
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return err
		}
		_ = f.SetColWidth(sheet, colName(i), colName(i), 18)
	}
	if err := f.SetSheetRow(sheet, "A2", &example); err != nil {
		return err
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	lines := [][]any{
		{"列", "说明"},
		{"统一社会信用代码", "18 位，校验码须正确；已登记的代码将更新该企业"},
		{"行业", "行业名称或代码：道路交通、建设施工、危险化学品、工商贸、消防、特种设备、非煤矿山、学校安全、旅游、城镇燃气、农业机械、水利水上"},
		{"网格编码", "须为您辖区内的网格编码（见“网格”页面或导出）"},
		{"规模", "大型、中型、小型、微型"},
		{"标准化等级", "一级、二级、三级、未达标（空白视为未达标）"},
		{"示例行", "第 2 行是按您的辖区填写的示例，可照此填写；导入前请改成真实企业或删除"},
	}
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(help, cell, &l); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(help, "A", "A", 20)
	_ = f.SetColWidth(help, "B", "B", 90)
	_, err = f.WriteTo(w)
	return err
}

// templateExample is the template's example row for p: the first grid of p's scope by
// code, the first industry p may register, and a credit code made from that grid's id
// and that industry (region 000000, which no real enterprise has) with its check
// character, so the row passes every check of the import and does not collide with the
// example of another area or industry.
func (m *Module) templateExample(ctx context.Context, p *auth.Principal) ([]any, error) {
	var w db.Where
	w.AddCond(p.Scope.PathCond("g.org_path"))
	var gridID db.ID
	var gridCode string
	err := m.DB.QueryRow(ctx, `SELECT g.id, g.code FROM grids g`+w.SQL()+` ORDER BY g.code LIMIT 1`, w.Args()...).Scan(&gridID, &gridCode)
	if db.IsNoRows(err) {
		gridCode = "（您辖区内的网格编码）"
	} else if err != nil {
		return nil, err
	}
	industry, industryNo := "", 0
	rows, err := m.DB.Query(ctx, `SELECT code, name_zh FROM industries ORDER BY sort_order, code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			rows.Close()
			return nil, err
		}
		if industry == "" && p.Scope.AllowsIndustry(code) {
			industry = name
		} else if industry == "" {
			industryNo++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var district string
	if err := m.DB.QueryRow(ctx, `SELECT name FROM orgs WHERE kind = 'district' ORDER BY id LIMIT 1`).Scan(&district); err != nil && !db.IsNoRows(err) {
		return nil, err
	}
	first17 := fmt.Sprintf("91000000MA%05d%02d", int64(gridID)%100_000, industryNo%100)
	check, err := CreditCheckChar(first17)
	if err != nil {
		return nil, err
	}
	return []any{"示例安全科技有限公司", first17 + string(check), industry, gridCode, "小型", district + "示例路 1 号",
		"张三", "李四", "13800000000", "三级"}, nil
}

func colName(i int) string {
	n, _ := excelize.ColumnNumberToName(i + 1)
	return n
}

func (m *Module) apiImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, importBodyLimit)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return importTooLarge()
		}
		return apperr.New(apperr.BadRequest, "enterprise.import_no_file", nil)
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		return apperr.New(apperr.BadRequest, "enterprise.import_no_file", nil)
	}
	defer file.Close()
	rep, err := m.Import(r.Context(), auth.FromContext(r.Context()), file)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, rep)
}

func (m *Module) apiTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="enterprise-import.xlsx"; filename*=UTF-8''`+url.PathEscape("企业导入模板.xlsx"))
	return m.Template(r.Context(), auth.FromContext(r.Context()), w)
}
