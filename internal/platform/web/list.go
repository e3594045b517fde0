package web

import (
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
)

// PageSize is how many rows a list page shows.
const PageSize = 50

// ListPage holds what a list page's links, sort headers, chips and pager need.
type ListPage struct {
	Q      url.Values // the request's non-empty query parameters
	Export url.Values // the same without paging: export links, chips, tiles
	Sort   string
	Page   int
	Pages  int
	Total  int
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
	lp.PerPage, lp.Format = PageSize, ""
	q, ex := url.Values{}, url.Values{}
	for k, vs := range r.URL.Query() {
		if k == "per_page" || k == "format" || k == "lang" {
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
	return lp, ListPage{Q: q, Export: ex, Sort: lp.Sort, Page: lp.Page}, nil
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

// Finish sets the total and the page count.
func (l *ListPage) Finish(total int) {
	l.Total = total
	l.Pages = (total + PageSize - 1) / PageSize
}
