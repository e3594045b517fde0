// Command load is SafeDuty's load harness: signed-in users on loopback creating hazards,
// listing with filters, opening details, reading the figures and the home pages, for a
// fixed time each, with a bare net/http handler (bench/ceiling) measured the same way in
// the same run; then an xlsx export of up to 100,000 hazards (time, and the server's peak
// RSS read from /proc) and an enterprise import of a generated workbook (rows/s).
// bench/load.sh starts the servers and runs it; see docs/PERFORMANCE.md, "The load harness".
//
//	go run ./bench/load -url http://127.0.0.1:8095 -ceiling http://127.0.0.1:8096 -pid 1234
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/enterprise"
)

func main() {
	var c config
	flag.StringVar(&c.url, "url", "http://127.0.0.1:8095", "the SafeDuty server (loopback)")
	flag.StringVar(&c.ceiling, "ceiling", "http://127.0.0.1:8096", "the bare handler (bench/ceiling) measured in the same run")
	flag.IntVar(&c.pid, "pid", 0, "the server's process id, for its peak RSS during the export (0: not measured)")
	flag.StringVar(&c.password, "password", "demo-pass-2026", "the demo users' password")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "how long each operation runs")
	flag.IntVar(&c.conns, "conns", 50, "concurrent connections")
	flag.IntVar(&c.runs, "runs", 1, "repeat every operation this many times; the table shows the median with min and max")
	flag.StringVar(&c.ops, "ops", "", "only the operations whose names match this regexp (default: all)")
	flag.IntVar(&c.exportRows, "export-rows", 100_000, "hazards to export (a date filter is searched to match about this many)")
	flag.IntVar(&c.importRows, "import-rows", 2_000, "rows of the generated enterprise workbook (at most 20,000)")
	flag.IntVar(&c.maxID, "max-id", 0, "the largest hazard id, read from the database by bench/load.sh (0: asked of the API, which takes minutes at 1,000,000 before issue 10)")
	flag.StringVar(&c.out, "out", "", "folder for the raw results (one JSON line per operation and run)")
	flag.StringVar(&c.label, "label", "", "a label for the table's heading (engine, dataset)")
	flag.Parse()
	if err := run(context.Background(), c); err != nil {
		log.Fatal(err)
	}
}

type config struct {
	url, ceiling, password, ops, out, label  string
	pid, conns, runs, exportRows, importRows int
	maxID                                    int
	duration                                 time.Duration
}

// result is one operation's run.
type result struct {
	Op       string `json:"op"`
	Run      int    `json:"run"`
	Requests int    `json:"requests"`
	Errors   int    `json:"errors"`
	// Unfinished are the requests still waiting for an answer when the time was up, after
	// more than 2 s (wrk's timeout).
	Unfinished int     `json:"unfinished"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50        float64 `json:"p50_ms"`
	P90        float64 `json:"p90_ms"`
	P99        float64 `json:"p99_ms"`
	Rows       int     `json:"rows,omitempty"`       // export, import
	RowsPerS   float64 `json:"rows_per_s,omitempty"` // import
	PeakRSS    float64 `json:"peak_rss_mib,omitempty"`
	Note       string  `json:"note,omitempty"`
}

// op is a load operation: next builds each request.
type op struct {
	name string
	next func(r *rand.Rand) (*http.Request, error)
}

func run(ctx context.Context, c config) error {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.conns, MaxConnsPerHost: c.conns}}
	h := &harness{c: c, client: client, tokens: map[string]string{}}
	for _, u := range []string{"admin", "town01", "dept-construction"} {
		if err := h.signIn(u); err != nil {
			return err
		}
	}
	if err := h.discover(); err != nil {
		return err
	}
	ops := h.ops()
	var filter *regexp.Regexp
	if c.ops != "" {
		filter = regexp.MustCompile(c.ops)
		ops = slices.DeleteFunc(ops, func(o op) bool { return o.name != "ceiling" && !filter.MatchString(o.name) })
	}
	extra := 0
	for _, name := range []string{"export_xlsx", "import_xlsx"} {
		if filter == nil || filter.MatchString(name) {
			extra++
		}
	}
	est := time.Duration(c.runs) * (time.Duration(len(ops))*(c.duration+time.Second) + time.Duration(extra)*30*time.Second)
	fmt.Fprintf(os.Stderr, "load: %d operations × %d run(s) × %v, %d connections, plus %d file operations: about %v (at most %v)\n",
		len(ops), c.runs, c.duration, c.conns, extra, est.Round(time.Second), (est + time.Duration(c.runs*extra)*90*time.Second).Round(time.Second))
	fmt.Fprintf(os.Stderr, "dataset: %d hazards (ids up to %d), %d grids\n", h.hazards, h.maxID, len(h.gridIDs))

	var raw io.Writer = io.Discard
	if c.out != "" {
		if err := os.MkdirAll(c.out, 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(c.out, "results.jsonl"))
		if err != nil {
			return err
		}
		defer f.Close()
		raw = f
	}
	var all []result
	keep := func(r result) {
		all = append(all, r)
		b, _ := json.Marshal(r)
		fmt.Fprintln(raw, string(b))
		fmt.Fprintf(os.Stderr, "  %-22s run %d: %8.0f req/s  p50 %7.2f ms  p99 %8.2f ms  errors %d%s\n", r.Op, r.Run, r.RPS, r.P50, r.P99, r.Errors, r.extra())
	}
	for run := 1; run <= c.runs; run++ {
		fmt.Fprintf(os.Stderr, "run %d of %d\n", run, c.runs)
		for _, o := range ops {
			keep(h.load(ctx, o, run))
		}
		if filter == nil || filter.MatchString("export_xlsx") {
			keep(h.export(run))
		}
		if filter == nil || filter.MatchString("import_xlsx") {
			keep(h.importWorkbook(run))
		}
	}
	printTable(os.Stdout, c, all)
	return nil
}

func (r result) extra() string {
	var s []string
	if r.Rows > 0 {
		s = append(s, fmt.Sprintf("rows %d", r.Rows))
	}
	if r.RowsPerS > 0 {
		s = append(s, fmt.Sprintf("%.0f rows/s", r.RowsPerS))
	}
	if r.PeakRSS > 0 {
		s = append(s, fmt.Sprintf("peak RSS %.0f MiB", r.PeakRSS))
	}
	if r.Note != "" {
		s = append(s, r.Note)
	}
	if r.Unfinished > 0 {
		s = append(s, fmt.Sprintf("%d unfinished", r.Unfinished))
	}
	if len(s) == 0 {
		return ""
	}
	return "  " + strings.Join(s, ", ")
}

type harness struct {
	c       config
	client  *http.Client
	tokens  map[string]string
	hazards int
	maxID   int
	gridIDs []string
	grids   []string // codes, for the import
	after   string   // the list's keyset cursor after page 1, when the server has one
}

func (h *harness) request(method, user, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequest(method, h.c.url+path, body)
	if err != nil {
		return nil, err
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[user])
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (h *harness) getJSON(user, path string, v any) error {
	req, err := h.request("GET", user, path, nil)
	if err != nil {
		return err
	}
	res, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("GET %s: %d %.300s", path, res.StatusCode, b)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

func (h *harness) signIn(user string) error {
	body, _ := json.Marshal(map[string]string{"username": user, "password": h.c.password})
	res, err := h.client.Post(h.c.url+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var s struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil || s.Token == "" {
		return fmt.Errorf("sign in as %s: %d %v", user, res.StatusCode, err)
	}
	h.tokens[user] = s.Token
	return nil
}

// discover reads what the operations draw from: the hazards' count and largest id, the
// grids, and the list's keyset cursor when the server offers one.
func (h *harness) discover() error {
	h.maxID, h.hazards = h.c.maxID, -1
	if h.maxID == 0 {
		var page struct {
			Items []struct{ ID string }
			Total int
		}
		if err := h.getJSON("admin", "/api/v1/hazards?per_page=1&sort=-created_at", &page); err != nil {
			return err
		}
		h.hazards = page.Total
		if len(page.Items) > 0 {
			fmt.Sscan(page.Items[0].ID, &h.maxID)
		}
	}
	var p20 struct{ Next string }
	if err := h.getJSON("admin", "/api/v1/hazards?status=closed&per_page=20&sort=-found_at", &p20); err != nil {
		fmt.Fprintf(os.Stderr, "no keyset cursor (the list by after is left out): %v\n", err)
	}
	h.after = p20.Next
	for pg := 1; ; pg++ {
		var grids struct {
			Items []struct{ ID, Code string }
			Total int
		}
		if err := h.getJSON("admin", fmt.Sprintf("/api/v1/grids?per_page=500&page=%d", pg), &grids); err != nil {
			return err
		}
		for _, g := range grids.Items {
			h.gridIDs = append(h.gridIDs, g.ID)
			h.grids = append(h.grids, g.Code)
		}
		if len(grids.Items) == 0 || len(h.gridIDs) >= grids.Total {
			break
		}
	}
	if h.maxID == 0 || len(h.gridIDs) == 0 {
		return fmt.Errorf("no hazards or grids: is the demo district built?")
	}
	return nil
}

var (
	industries = []string{"construction", "gas", "fire", "education", "agriculture", "road_traffic", "special_equipment"}
	categories = []string{"unsafe_act", "unsafe_condition", "environment", "management"}
)

// ops are the timed operations, the ceiling first.
func (h *harness) ops() []op {
	get := func(user, path string) func(*rand.Rand) (*http.Request, error) {
		return func(*rand.Rand) (*http.Request, error) { return h.request("GET", user, path, nil) }
	}
	ops := []op{
		{"ceiling", func(*rand.Rand) (*http.Request, error) { return http.NewRequest("GET", h.c.ceiling+"/", nil) }},
		{"healthz", get("", "/healthz")},
		{"me", get("admin", "/api/v1/me")},
		{"list_filtered_p1", get("admin", "/api/v1/hazards?status=assigned&grade=general&per_page=20&sort=-found_at")},
		{"list_closed_p1", get("admin", "/api/v1/hazards?status=closed&per_page=20&sort=-found_at")},
		{"list_closed_p100", get("admin", "/api/v1/hazards?status=closed&per_page=20&sort=-found_at&page=100")},
	}
	if h.after != "" {
		ops = append(ops, op{"list_closed_after", get("admin", "/api/v1/hazards?status=closed&per_page=20&sort=-found_at&after="+url.QueryEscape(h.after))})
	}
	ops = append(ops,
		op{"list_town_p1", get("town01", "/api/v1/hazards?per_page=20")},
		op{"detail", func(r *rand.Rand) (*http.Request, error) {
			return h.request("GET", "admin", fmt.Sprintf("/api/v1/hazards/%d", 1+r.IntN(h.maxID)), nil)
		}},
		op{"stats", get("admin", "/api/v1/hazards/stats")},
		op{"home_admin", get("admin", "/")},
		op{"home_town", get("town01", "/")},
		op{"home_department", get("dept-construction", "/")},
	)
	// Creating runs last of the timed operations: the hazards it adds would change the
	// lists and figures measured after it.
	ops = append(ops, op{
		"create_hazard", func(r *rand.Rand) (*http.Request, error) {
			n := r.IntN(1_000_000)
			grade := "general"
			if r.IntN(10) == 0 {
				grade = "major"
			}
			body, _ := json.Marshal(map[string]string{
				"title": fmt.Sprintf("压测隐患 %d", n), "description": fmt.Sprintf("负载测试生成的隐患描述 %d", n),
				"category": categories[r.IntN(len(categories))], "industry": industries[r.IntN(len(industries))],
				"grade": grade, "grid_id": h.gridIDs[r.IntN(len(h.gridIDs))], "place": fmt.Sprintf("压测场所 %d", n),
			})
			return h.request("POST", "admin", "/api/v1/hazards", bytes.NewReader(body))
		}})
	return ops
}

// load runs o on c.conns connections for c.duration.
func (h *harness) load(ctx context.Context, o op, run int) result {
	ctx, cancel := context.WithTimeout(ctx, h.c.duration)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	errs, unfinished, notes := 0, 0, map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range h.c.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(run), uint64(i)))
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				req, err := o.next(r)
				if err != nil {
					bad++
					continue
				}
				t := time.Now()
				res, err := h.client.Do(req.WithContext(ctx))
				if err == nil {
					io.Copy(io.Discard, res.Body) //nolint:errcheck
					res.Body.Close()
				}
				if ctx.Err() != nil {
					// Cut off by the end of the run: not counted, unless it had waited past
					// wrk's timeout (2 s) already.
					if time.Since(t) > 2*time.Second {
						mu.Lock()
						unfinished++
						mu.Unlock()
					}
					break
				}
				mine = append(mine, time.Since(t))
				if err != nil || res.StatusCode >= 400 {
					bad++
					mu.Lock()
					if err != nil {
						notes["transport"]++
					} else {
						notes[fmt.Sprint(res.StatusCode)]++
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	res := result{Op: o.name, Run: run, Requests: len(lat), Errors: errs, Unfinished: unfinished, Seconds: secs, RPS: float64(len(lat)) / secs}
	res.P50, res.P90, res.P99 = pct(lat, 50), pct(lat, 90), pct(lat, 99)
	if len(notes) > 0 {
		res.Note = fmt.Sprint("errors by status: ", notes)
	}
	return res
}

func pct(d []time.Duration, p int) float64 {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := min(len(d)-1, len(d)*p/100)
	return float64(d[i].Microseconds()) / 1000
}

// export downloads an xlsx of about c.exportRows hazards (closed ones, found after a date
// searched for that count) and reads the server's RSS every 10 ms meanwhile.
func (h *harness) export(run int) result {
	res := result{Op: "export_xlsx", Run: run}
	from, rows, err := h.exportFilter()
	if err != nil {
		res.Errors, res.Note = 1, err.Error()
		return res
	}
	path := "/api/v1/hazards?format=xlsx&status=closed&found_from=" + from
	stop := make(chan struct{})
	peak := make(chan float64)
	go func() { peak <- watchRSS(h.c.pid, stop) }()
	req, _ := h.request("GET", "admin", path, nil)
	start := time.Now()
	resp, err := h.client.Do(req)
	n := int64(0)
	if err == nil {
		n, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	res.Seconds = time.Since(start).Seconds()
	close(stop)
	res.PeakRSS = <-peak
	res.Requests, res.Rows = 1, rows
	res.P50, res.P90, res.P99 = res.Seconds*1000, res.Seconds*1000, res.Seconds*1000
	switch {
	case err != nil:
		res.Errors, res.Note = 1, err.Error()
	case resp.StatusCode != http.StatusOK:
		res.Errors, res.Note = 1, fmt.Sprintf("status %d", resp.StatusCode)
	default:
		res.Note = fmt.Sprintf("%.1f MiB file", float64(n)/(1<<20))
	}
	return res
}

// exportFilter finds the day (found_from) after which about c.exportRows closed hazards
// were found, by bisection over the last three years and a half.
func (h *harness) exportFilter() (string, int, error) {
	count := func(day time.Time) (int, error) {
		var page struct{ Total int }
		err := h.getJSON("admin", "/api/v1/hazards?per_page=1&count=exact&status=closed&found_from="+day.Format(time.DateOnly), &page)
		return page.Total, err
	}
	lo, hi := time.Now().AddDate(-4, 0, 0), time.Now().AddDate(0, 0, 1) // count(lo) >= count(hi)
	n, err := count(lo)
	if err != nil || n <= h.c.exportRows {
		return lo.Format(time.DateOnly), n, err
	}
	for hi.Sub(lo) > 48*time.Hour {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(24 * time.Hour)
		m, err := count(mid)
		if err != nil {
			return "", 0, err
		}
		if m >= h.c.exportRows {
			lo, n = mid, m
		} else {
			hi = mid
		}
	}
	return lo.Format(time.DateOnly), n, nil
}

// watchRSS returns the largest VmRSS of pid, in MiB, read every 10 ms until stop closes.
func watchRSS(pid int, stop <-chan struct{}) float64 {
	if pid == 0 {
		<-stop
		return 0
	}
	var peak float64
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				var kb float64
				if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
					peak = max(peak, kb/1024)
				}
			}
		}
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}

// importWorkbook posts a generated workbook of c.importRows new enterprises (credit codes
// unique to the run) as the district admin and reports rows per second.
func (h *harness) importWorkbook(run int) result {
	res := result{Op: "import_xlsx", Run: run}
	file, err := h.workbook(run)
	if err != nil {
		res.Errors, res.Note = 1, err.Error()
		return res
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "enterprises.xlsx")
	fw.Write(file) //nolint:errcheck
	mw.Close()
	req, _ := h.request("POST", "admin", "/api/v1/enterprises/import", nil)
	req.Body = io.NopCloser(&body)
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		res.Errors, res.Note = 1, err.Error()
		return res
	}
	defer resp.Body.Close()
	var rep struct {
		Rows, Created, Updated int
		Rejected               []json.RawMessage
	}
	b, _ := io.ReadAll(resp.Body)
	res.Seconds = time.Since(start).Seconds()
	res.Requests = 1
	res.P50, res.P90, res.P99 = res.Seconds*1000, res.Seconds*1000, res.Seconds*1000
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &rep) != nil {
		res.Errors, res.Note = 1, fmt.Sprintf("status %d: %.300s", resp.StatusCode, b)
		return res
	}
	res.Rows, res.RowsPerS = rep.Created+rep.Updated, float64(rep.Created+rep.Updated)/res.Seconds
	if len(rep.Rejected) > 0 {
		res.Errors, res.Note = len(rep.Rejected), fmt.Sprintf("%d rows rejected: %.300s", len(rep.Rejected), rep.Rejected[0])
	}
	return res
}

// workbook generates the import file: valid rows with credit codes no other run uses.
func (h *harness) workbook(run int) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	header := []any{"企业名称", "统一社会信用代码", "行业", "网格编码", "规模", "地址", "法定代表人", "联系电话"}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(run)))
	base := r.IntN(9_000_000)
	scales := []string{"micro", "small", "medium", "large"}
	for i := range min(h.c.importRows, enterprise.MaxImportRows) {
		first17 := fmt.Sprintf("91330199LD%07d", (base+i)%10_000_000)
		check, err := enterprise.CreditCheckChar(first17)
		if err != nil {
			return nil, err
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{fmt.Sprintf("压测导入企业%d-%d有限公司", run, base+i), first17 + string(check), industries[r.IntN(len(industries))],
			h.grids[r.IntN(len(h.grids))], scales[r.IntN(len(scales))], fmt.Sprintf("压测路%d号", i), "张三", fmt.Sprintf("139%08d", i)}
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	return buf.Bytes(), err
}

// printTable writes the Markdown table: each operation's median over the runs with min and
// max, and the ceiling of the same runs.
func printTable(w io.Writer, c config, all []result) {
	by := map[string][]result{}
	var order []string
	for _, r := range all {
		if _, ok := by[r.Op]; !ok {
			order = append(order, r.Op)
		}
		by[r.Op] = append(by[r.Op], r)
	}
	fmt.Fprintf(w, "\n%s — %d run(s), %v per operation, %d connections; median (min–max)\n\n", c.label, c.runs, c.duration, c.conns)
	fmt.Fprintln(w, "| operation | req/s | p50 ms | p90 ms | p99 ms | errors (all runs) | other |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, op := range order {
		rs := by[op]
		f := func(get func(result) float64, format string) string {
			v := make([]float64, len(rs))
			for i, r := range rs {
				v[i] = get(r)
			}
			slices.Sort(v)
			med := v[len(v)/2]
			if len(v)%2 == 0 {
				med = (v[len(v)/2-1] + v[len(v)/2]) / 2
			}
			if len(v) == 1 {
				return fmt.Sprintf(format, med)
			}
			return fmt.Sprintf(format+" ("+format+"–"+format+")", med, v[0], v[len(v)-1])
		}
		errs, unfinished := 0, 0
		for _, r := range rs {
			errs += r.Errors
			unfinished += r.Unfinished
		}
		other := ""
		if unfinished > 0 {
			other = fmt.Sprintf("%d unanswered after 2 s at the end (all runs)", unfinished)
		}
		switch op {
		case "export_xlsx":
			other = fmt.Sprintf("%d rows; seconds %s; peak RSS MiB %s", rs[0].Rows, f(func(r result) float64 { return r.Seconds }, "%.1f"),
				f(func(r result) float64 { return r.PeakRSS }, "%.0f"))
		case "import_xlsx":
			other = fmt.Sprintf("%d rows; rows/s %s", rs[0].Rows, f(func(r result) float64 { return r.RowsPerS }, "%.0f"))
		}
		rps := f(func(r result) float64 { return r.RPS }, "%.0f")
		if op == "export_xlsx" || op == "import_xlsx" {
			rps = "–"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s |\n", op, rps, f(func(r result) float64 { return r.P50 }, "%.1f"),
			f(func(r result) float64 { return r.P90 }, "%.1f"), f(func(r result) float64 { return r.P99 }, "%.1f"), errs, other)
	}
}
