package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
)

// PageSize is how many rows a list page shows; PhonePageSize how many on a phone, where
// each row is a two-line item (the kit's "rows-sm" lists).
const (
	PageSize      = 50
	PhonePageSize = 20
)

// PerPage is the page size for the request's device: PhonePageSize when the browser says
// it is a phone (the Sec-CH-UA-Mobile hint, "Mobi" in the User-Agent as phone browsers
// send, or the cookie app.js sets in a phone-sized window), else PageSize.
func PerPage(r *http.Request) int {
	if r.Header.Get("Sec-CH-UA-Mobile") == "?1" || strings.Contains(r.UserAgent(), "Mobi") {
		return PhonePageSize
	}
	if c, err := r.Cookie("narrow"); err == nil && c.Value == "1" {
		return PhonePageSize
	}
	return PageSize
}

// ListPage holds what a list page's links, sort headers, chips and pager need.
type ListPage struct {
	Q       url.Values // the request's non-empty query parameters but after
	Export  url.Values // the same without paging: export links, chips, tiles
	Sort    string
	Page    int
	Pages   int
	Total   int
	PerPage int // PerPage(r): 20 on a phone, 50 elsewhere
	// Capped says more than Total (api.CountCap) match: the page shows "10,000+", its page
	// links reach Total, and Next (a keyset cursor, ?after=) leads beyond them. After is
	// the request's own cursor: the page follows a row rather than being numbered.
	Capped bool
	Next   string
	After  string

	result *api.ListResult // filled by the list query (ParseListPage's ListParams.Result)
}

// ParseListPage decodes a list page's filters into filter (the API's own filter struct,
// so the page's query string is also a valid API query and the export links repeat it)
// and its paging and sorting.
func ParseListPage(r *http.Request, s api.Sorting, filter any) (api.ListParams, ListPage, error) {
	if err := api.DecodeQuery(r, filter, true); err != nil {
		return api.ListParams{}, ListPage{}, err
	}
	lp, err := api.ParseList(r, s)
	if err != nil {
		return api.ListParams{}, ListPage{}, err
	}
	lp.PerPage, lp.Format = PerPage(r), ""
	q, ex := url.Values{}, url.Values{}
	for k, vs := range r.URL.Query() {
		if k == "per_page" || k == "format" || k == "lang" || k == "after" || k == "count" {
			continue
		}
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
				if k != "page" {
					ex.Add(k, v)
				}
			}
		}
	}
	lp.Result = &api.ListResult{}
	return lp, ListPage{Q: q, Export: ex, Sort: lp.Sort, Page: lp.Page, PerPage: lp.PerPage, After: r.URL.Query().Get("after"), result: lp.Result}, nil
}

// Filtered reports whether a filter is on (a sort alone is not one).
func (l *ListPage) Filtered() bool {
	for k := range l.Export {
		if k != "sort" {
			return true
		}
	}
	return false
}

// Finish sets the total and the page count, and what the list query reported beside
// them (a capped total, the next page's cursor).
func (l *ListPage) Finish(total int) {
	l.Total = total
	if l.PerPage == 0 {
		l.PerPage = PageSize
	}
	l.Pages = (total + l.PerPage - 1) / l.PerPage
	if l.result != nil {
		l.Capped, l.Next = l.result.Capped, l.result.Next
	}
}

// More reports whether the pager is past its numbered pages: a page after a cursor, or
// the last numbered page of a capped list with a next page.
func (l ListPage) More() bool {
	return l.After != "" || (l.Next != "" && l.Capped && l.Page >= l.Pages)
}
