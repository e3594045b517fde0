package demo

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// deputySpecs are the district government's deputy heads in rank order, with the
// industries each is in charge of (分管). Together they cover every industry, so each
// industry has a leader who answers for it ("一岗双责").
var deputySpecs = []struct {
	title      string
	industries []string
}{
	{"常务副区长", []string{"hazardous_chemicals", "industry_trade", "special_equipment"}},
	{"副区长", []string{"road_traffic", "fire"}},
	{"副区长", []string{"construction", "gas"}},
	{"副区长", []string{"education", "tourism"}},
	{"副区长", []string{"agriculture", "water", "mines"}},
}

// standingMembers are the other members of the party standing committee (区委常委).
var standingMembers = []string{
	"区委常委、纪委书记", "区委常委、组织部部长", "区委常委、宣传部部长",
	"区委常委、政法委书记", "区委常委、统战部部长", "区委常委、区委办公室主任",
}

// Shares of women among the people drawn, by group.
const (
	womenLeaders    = 0.15
	womenVillage    = 0.3
	womenPatrollers = 0.4
)

// buildPeople creates the leaders of the four bodies, the deputy heads with the industries
// they are in charge of, each department's head and safety chief, each town's three
// leaders, and each village's head and patroller, with their posts.
func buildPeople(ctx context.Context, b *builder) error {
	d := b.d
	qw, zf := d.Body("party_committee"), d.Body("government")
	rd, zx := d.Body("congress"), d.Body("cppcc")

	d.Secretary = b.person(&qw.Node, womenLeaders)
	d.Secretary.post(&qw.Node, "区委书记", true, 1, "secretary")
	qw.Head = d.Secretary
	d.Mayor = b.person(&zf.Node, womenLeaders)
	d.Mayor.post(&qw.Node, "区委副书记", false, 2, "")
	d.Mayor.post(&zf.Node, "区长", true, 1, "district_head")
	zf.Head = d.Mayor
	b.person(&qw.Node, womenLeaders).post(&qw.Node, "区委副书记", false, 3, "standing_member")
	for i, s := range deputySpecs {
		p := b.person(&zf.Node, womenLeaders)
		p.post(&zf.Node, s.title, false, 2+i, "deputy_head")
		p.InCharge = s.industries
		if i == 0 {
			p.post(&qw.Node, "区委常委", false, 4, "")
		}
		d.Deputies = append(d.Deputies, p)
	}
	for i, title := range standingMembers {
		b.person(&qw.Node, womenLeaders).post(&qw.Node, title, false, 5+i, "standing_member")
	}
	for _, g := range []struct {
		u                *Unit
		head, vice, kind string
	}{{rd, "主任", "副主任", "congress_head"}, {zx, "主席", "副主席", "cppcc_head"}} {
		g.u.Head = b.person(&g.u.Node, womenLeaders)
		g.u.Head.post(&g.u.Node, g.head, true, 1, g.kind)
		for k := 0; k < 2; k++ {
			b.person(&g.u.Node, womenLeaders).post(&g.u.Node, g.vice, false, 2+k, "")
		}
	}

	for i, u := range d.Departments {
		u.Head = b.person(&u.Node, womenLeaders)
		u.Head.post(&u.Node, departments[i].head, true, 1, "department_head")
		u.SafetyChief = b.person(&u.Node, womenLeaders)
		u.SafetyChief.post(&u.Node, departments[i].chief, false, 2, "")
	}
	// The safety office's director also serves as deputy director of both general
	// offices, to coordinate on their behalf (the report's "三重身份").
	so := d.SafetyOffice().Head
	so.post(&qw.Node, "区委办公室副主任", false, 20, "")
	so.post(&zf.Node, "区政府办公室副主任", false, 20, "")

	for _, t := range d.Towns {
		titles := [3]string{"镇党委书记", "镇长", "副镇长（分管安全）"}
		if t.Street {
			titles = [3]string{"街道党工委书记", "街道办事处主任", "街道办事处副主任（分管安全）"}
		}
		g := &t.Gov.Node
		t.Secretary = b.person(g, womenLeaders)
		t.Secretary.post(g, titles[0], false, 1, "town_secretary")
		t.Head = b.person(g, womenLeaders)
		t.Head.post(g, titles[1], true, 2, "town_head")
		t.Gov.Head = t.Head
		t.SafetyDeputy = b.person(g, womenLeaders)
		t.SafetyDeputy.post(g, titles[2], false, 3, "town_deputy")
	}
	for _, v := range d.Villages {
		head := "村委会主任"
		if v.Community {
			head = "社区居委会主任"
		}
		v.Head = b.person(&v.Node, womenVillage)
		v.Head.post(&v.Node, head, true, 1, "")
		v.Patroller = b.person(&v.Node, womenPatrollers)
		v.Patroller.post(&v.Node, "安全巡查员", false, 2, "")
	}
	return b.storePeople(ctx, d.People)
}

// person draws a new person belonging to org, a woman with probability women, with a
// name and a mobile number unique in the demo.
func (b *builder) person(org *Node, women float64) *Person {
	p := &Person{Org: org, Gender: "male"}
	given := maleGiven
	if b.rng.Float64() < women {
		p.Gender, given = "female", femaleGiven
	}
	for p.Name == "" || b.names[p.Name] {
		p.Name = surnames[b.rng.IntN(len(surnames))] + given[b.rng.IntN(len(given))]
	}
	b.names[p.Name] = true
	for p.Phone == "" || b.phones[p.Phone] {
		p.Phone = fmt.Sprintf("%s%08d", mobilePrefixes[b.rng.IntN(len(mobilePrefixes))], b.rng.IntN(100_000_000))
	}
	b.phones[p.Phone] = true
	b.d.People = append(b.d.People, p)
	return p
}

// post gives p a post in org.
func (p *Person) post(org *Node, title string, main bool, rank int, kind string) {
	p.Posts = append(p.Posts, Post{Org: org, Title: title, Kind: kind, MainLeader: main, Rank: rank})
}

// storePeople inserts people with their posts and the industries they are in charge of.
// Phones are unique among them, so returned ids are matched on the phone.
func (b *builder) storePeople(ctx context.Context, people []*Person) error {
	byPhone := make(map[string]*Person, len(people))
	rows := make([][]any, len(people))
	for i, p := range people {
		byPhone[p.Phone] = p
		rows[i] = []any{p.Org.ID, p.Org.Path, p.Name, p.Gender, p.Phone, b.now, b.now}
	}
	err := b.insertKeyed(ctx, "people", []string{"org_id", "org_path", "name", "gender", "phone", "created_at", "updated_at"},
		rows, "phone", func(phone string, id db.ID) {
			if p := byPhone[phone]; p != nil {
				p.ID = id
			}
		})
	if err != nil {
		return err
	}
	var posts, inCharge [][]any
	for _, p := range people {
		if p.ID == 0 {
			return fmt.Errorf("person %s: no id returned", p.Name)
		}
		for _, po := range p.Posts {
			posts = append(posts, []any{p.ID, po.Org.ID, po.Title, po.Kind, po.MainLeader, po.Rank, b.now})
		}
		for _, ind := range p.InCharge {
			inCharge = append(inCharge, []any{p.ID, ind})
		}
	}
	if err := b.insertRows(ctx, "posts", []string{"person_id", "org_id", "title", "kind", "is_main_leader", "rank", "created_at"}, posts, "", nil); err != nil {
		return err
	}
	return b.insertRows(ctx, "in_charge", []string{"person_id", "industry"}, inCharge, "", nil)
}
