// Package seed fills a Comptoir database with realistic, deterministic sample
// data: employees, French and English companies and contacts, a product
// catalog, deals spread over the stages of the default pipeline with product
// lines, their stage history, timeline entries and activities.
//
// The data looks alive on the day it is made: every date is relative to an
// anchor day (the store's clock by default). Open deals were created over the
// last months, moved through the stages and are expected to close over the
// coming ones (a few have no date or an overdue one); won and lost deals
// closed over the past year; open activities are due around the anchor and
// done ones spread over each deal's life. The same options give the same
// data relative to the anchor, byte for byte on the same anchor day.
//
// Sample email addresses use the reserved .example domain, so that a
// seeded database can never mail a real person.
package seed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"comptoir/data"
)

// Options say how much to seed.
type Options struct {
	Deals int    // number of deals
	Seed  int64  // same seed, same data
	Lang  string // "fr" (default) or "en": the language of most clients, products and texts
	// Anchor is the day the sample history leads up to (only its UTC date
	// counts); zero: the store's clock's day.
	Anchor time.Time
}

// Summary counts what was written.
type Summary struct {
	Employees  int // created by this run, the admin included
	Companies  int
	Contacts   int
	Products   int
	Deals      int
	Lines      int
	Entries    int
	Activities int
	// RichDeal is a deal with a long history: 200 timeline entries and 20
	// product lines (one in every 10,000 deals is like it).
	RichDeal int64
}

// chunk is how many deals one transaction writes.
const chunk = 25000

// richEvery makes one deal in richEvery a key account with a long history.
const richEvery = 10000

type client struct {
	contact, company int64
	name             string // the contact's, else the company's
	fr               bool
}

type seeder struct {
	rng      *rand.Rand
	opt      Options
	anchor   time.Time // 00:00 UTC of the anchor day
	admin    data.Employee
	managers []int64
	sales    []int64
	pipeline data.Pipeline
	stages   []data.Stage // in pipeline order
	open     []data.Stage // the open ones, in order
	weights  []int        // of each stage, per thousand
	products []productRow
	frCli    []client
	enCli    []client
	sum      Summary
}

type productRow struct {
	id int64
	p  product
}

// Fill writes the sample data into st as its first admin (one is created
// when the database has none).
func Fill(ctx context.Context, st *data.Store, opt Options) (Summary, error) {
	if opt.Deals < 0 {
		return Summary{}, fmt.Errorf("seed: negative number of deals")
	}
	if opt.Lang == "" {
		opt.Lang = "fr"
	}
	if opt.Anchor.IsZero() {
		opt.Anchor = st.Now()
	}
	a := opt.Anchor.UTC()
	s := &seeder{
		rng:    rand.New(rand.NewPCG(uint64(opt.Seed), 0x636f6d70746f6972)),
		opt:    opt,
		anchor: time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC),
	}
	if err := s.people(ctx, st); err != nil {
		return s.sum, fmt.Errorf("seed: %w", err)
	}
	ps, err := st.Pipelines(ctx, s.admin.ID)
	if err != nil || len(ps) == 0 {
		return s.sum, fmt.Errorf("seed: no pipeline: %v", err)
	}
	s.pipeline = ps[0]
	s.stages = s.pipeline.Stages
	for _, st := range s.stages {
		if st.Semantics == data.StatusOpen {
			s.open = append(s.open, st)
		}
	}
	s.weights = stageWeights(s.stages)
	// A second run reuses the catalog of the first (same SKUs).
	existing := map[string]int64{}
	for after := (data.ListCursor{}); ; {
		ps, err := st.Products(ctx, s.admin.ID, "CPT-", false, after, 500)
		if err != nil {
			return s.sum, fmt.Errorf("seed: %w", err)
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			existing[p.SKU] = p.ID
		}
		after = data.ListCursor{Key: ps[len(ps)-1].Name, ID: ps[len(ps)-1].ID}
	}
	err = st.Bulk(ctx, s.admin.ID, func(b *data.BulkTx) error {
		if err := s.catalog(b, existing); err != nil {
			return err
		}
		return s.clients(b)
	})
	if err != nil {
		return s.sum, fmt.Errorf("seed: %w", err)
	}
	for done := 0; done < opt.Deals; done += chunk {
		n := min(chunk, opt.Deals-done)
		err := st.Bulk(ctx, s.admin.ID, func(b *data.BulkTx) error {
			for i := done; i < done+n; i++ {
				if err := s.deal(b, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return s.sum, fmt.Errorf("seed: %w", err)
		}
	}
	// The reports' summaries take the new deals in now rather than at the
	// first report.
	if err := st.PrepareReports(ctx); err != nil {
		return s.sum, fmt.Errorf("seed: %w", err)
	}
	return s.sum, nil
}

func (s *seeder) fr() bool {
	share := 70
	if strings.HasPrefix(s.opt.Lang, "en") {
		share = 30
	}
	return s.rng.IntN(100) < share
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (s *seeder) person(fr bool) (first, last string) {
	if fr {
		return pick(s.rng, frFirst), pick(s.rng, frLast)
	}
	return pick(s.rng, enFirst), pick(s.rng, enLast)
}

// ascii folds accents and keeps letters and digits: "Lefèvre" → "lefevre".
func ascii(v string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, _ := transform.String(t, v)
	var b strings.Builder
	for _, r := range strings.ToLower(out) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\'':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

func (s *seeder) people(ctx context.Context, st *data.Store) error {
	admin, err := st.FirstAdmin(ctx)
	if errors.Is(err, data.ErrNotFound) {
		admin, err = st.CreateFirstAdmin(ctx, "Claire Administratrice", "admin@comptoir.example")
		s.sum.Employees++
	}
	if err != nil {
		return err
	}
	s.admin = admin
	managers := max(2, min(5, s.opt.Deals/25000))
	sales := max(4, min(40, s.opt.Deals/2500))
	mk := func(role data.Role, i int) (int64, error) {
		first, last := s.person(i%3 != 2)
		email := fmt.Sprintf("%s.%s.%d@comptoir.example", ascii(first), ascii(last), i)
		if role == data.RoleManager {
			email = fmt.Sprintf("manager%d@comptoir.example", i)
		}
		if e, err := st.EmployeeByEmail(ctx, email); err == nil {
			return e.ID, nil
		}
		e, err := st.CreateEmployee(ctx, admin.ID, data.EmployeeInput{Name: first + " " + last, Email: email, Role: role, Active: true})
		if err != nil {
			return 0, err
		}
		s.sum.Employees++
		return e.ID, nil
	}
	for i := range managers {
		id, err := mk(data.RoleManager, i+1)
		if err != nil {
			return err
		}
		s.managers = append(s.managers, id)
	}
	for i := range sales {
		id, err := mk(data.RoleSales, i+1)
		if err != nil {
			return err
		}
		s.sales = append(s.sales, id)
	}
	return nil
}

// stageWeights spreads deals: most open (fewer in later stages), some won,
// some lost; per thousand.
func stageWeights(stages []data.Stage) []int {
	w := make([]int, len(stages))
	open := 0
	for _, st := range stages {
		if st.Semantics == data.StatusOpen {
			open++
		}
	}
	k := 0
	for i, st := range stages {
		switch st.Semantics {
		case data.StatusWon:
			w[i] = 150
		case data.StatusLost:
			w[i] = 100
		default:
			// 750 per thousand over the open stages, decreasing: 5,4,3,2,1…
			w[i] = 750 * (open - k) / (open * (open + 1) / 2)
			k++
		}
	}
	return w
}

func (s *seeder) stage() data.Stage {
	total := 0
	for _, w := range s.weights {
		total += w
	}
	n := s.rng.IntN(total)
	for i, w := range s.weights {
		if n < w {
			return s.stages[i]
		}
		n -= w
	}
	return s.stages[0]
}

func (s *seeder) catalog(b *data.BulkTx, existing map[string]int64) error {
	fr := !strings.HasPrefix(s.opt.Lang, "en")
	for i, p := range catalog {
		name, unit := p.en, p.unitEn
		if fr {
			name, unit = p.fr, p.unitFr
		}
		sku := fmt.Sprintf("CPT-%04d", i+1)
		if id, ok := existing[sku]; ok {
			s.products = append(s.products, productRow{id, p})
			continue
		}
		id, err := b.Product(data.ProductInput{Name: name, SKU: sku, Unit: unit, Price: p.price,
			Currency: data.DefaultCurrency, TaxRate: p.tax, Active: i%17 != 16}, s.anchor.AddDate(-3, 0, i))
		if err != nil {
			return err
		}
		s.products = append(s.products, productRow{id, p})
		s.sum.Products++
	}
	return nil
}

func (s *seeder) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + s.rng.IntN(10))
	}
	return string(b)
}

// siren is a French company number: eight digits and a Luhn check digit.
func (s *seeder) siren() string {
	d := s.digits(8)
	sum := 0
	for i := 0; i < 8; i++ {
		v := int(d[7-i] - '0')
		if i%2 == 0 { // doubled: positions counted from the check digit
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return d + strconv.Itoa((10-sum%10)%10)
}

// frVAT is FR, a two-digit key and the SIREN.
func frVAT(siren string) string {
	n, _ := strconv.ParseInt(siren, 10, 64)
	return fmt.Sprintf("FR%02d%s", (12+3*(n%97))%97, siren)
}

func (s *seeder) frPhone(mobile bool) string {
	d := s.digits(8)
	lead := "6"
	if !mobile {
		lead = pick(s.rng, []string{"1", "2", "3", "4", "5"})
	}
	return "+33 " + lead + " " + d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8]
}

func (s *seeder) ukPhone(mobile bool) string {
	d := s.digits(6)
	if mobile {
		return "+44 7" + s.digits(3) + " " + d
	}
	return "+44 1" + s.digits(3) + " " + d
}

func (s *seeder) clients(b *data.BulkTx) error {
	nCompanies := max(5, s.opt.Deals/12)
	nContacts := max(10, s.opt.Deals/5)
	type co struct {
		id           int64
		name, domain string
		fr           bool
	}
	var frCos, enCos []co
	for i := range nCompanies {
		fr := s.fr()
		var in data.CompanyInput
		created := s.anchor.AddDate(0, 0, -800+s.rng.IntN(700)).Add(time.Duration(9*60+s.rng.IntN(600)) * time.Minute)
		if fr {
			var core string
			if s.rng.IntN(2) == 0 {
				core = pick(s.rng, frTrades) + " " + pick(s.rng, frPlaces)
			} else {
				core = pick(s.rng, frTrades) + " " + pick(s.rng, frLast)
			}
			in.Name = core + " " + pick(s.rng, frLegal)
			siren := s.siren()
			c := pick(s.rng, frCities)
			in.Address = fmt.Sprintf("%d %s, %s %s", 1+s.rng.IntN(120), pick(s.rng, frStreets), c.postcode, c.name)
			in.VATNumber, in.Registration = frVAT(siren), siren
			in.Phones = []string{s.frPhone(false)}
			dom := ascii(core) + ".example"
			in.Emails = []string{"contact@" + dom}
			frCos = append(frCos, co{name: in.Name, domain: dom, fr: true})
		} else {
			core := pick(s.rng, enStems) + " " + pick(s.rng, enTrades)
			in.Name = core + " " + pick(s.rng, enLegal)
			c := pick(s.rng, ukCities)
			in.Address = fmt.Sprintf("%d %s, %s %s", 1+s.rng.IntN(200), pick(s.rng, ukStreets), c.name, c.postcode)
			in.VATNumber, in.Registration = "GB"+s.digits(9), s.digits(8)
			in.Phones = []string{s.ukPhone(false)}
			dom := ascii(core) + ".example"
			in.Emails = []string{"hello@" + dom}
			enCos = append(enCos, co{name: in.Name, domain: dom})
		}
		if i%4 == 0 {
			in.Notes = pick(s.rng, []string{"Client historique.", "Key account.", "Paiement à 45 jours.", "Prefers email."})
		}
		id, err := b.Company(in, created)
		if err != nil {
			return err
		}
		if fr {
			frCos[len(frCos)-1].id = id
		} else {
			enCos[len(enCos)-1].id = id
		}
		s.sum.Companies++
	}
	for range nContacts {
		fr := s.fr()
		cos := enCos
		if fr {
			cos = frCos
		}
		first, last := s.person(fr)
		in := data.ContactInput{Name: first + " " + last}
		var c co
		if len(cos) > 0 && s.rng.IntN(10) < 8 {
			c = pick(s.rng, cos)
			in.CompanyID = c.id
			in.Emails = append(in.Emails, ascii(first)+"."+ascii(last)+"@"+c.domain)
		}
		if len(in.Emails) == 0 || s.rng.IntN(10) < 3 {
			in.Emails = append(in.Emails, fmt.Sprintf("%s.%s%d@webmail.example", ascii(first), ascii(last), s.rng.IntN(100)))
		}
		if fr {
			in.Phones = append(in.Phones, s.frPhone(true))
			if s.rng.IntN(3) == 0 {
				in.Phones = append(in.Phones, s.frPhone(false))
			}
		} else {
			in.Phones = append(in.Phones, s.ukPhone(true))
			if s.rng.IntN(3) == 0 {
				in.Phones = append(in.Phones, s.ukPhone(false))
			}
		}
		created := s.anchor.AddDate(0, 0, -760+s.rng.IntN(700)).Add(time.Duration(9*60+s.rng.IntN(600)) * time.Minute)
		id, err := b.Contact(in, created)
		if err != nil {
			return err
		}
		cl := client{contact: id, company: c.id, name: in.Name, fr: fr}
		if fr {
			s.frCli = append(s.frCli, cl)
		} else {
			s.enCli = append(s.enCli, cl)
		}
		s.sum.Contacts++
	}
	// Some deals are with a company and no named contact.
	for _, c := range frCos[:len(frCos)/10] {
		s.frCli = append(s.frCli, client{company: c.id, name: c.name, fr: true})
	}
	for _, c := range enCos[:len(enCos)/10] {
		s.enCli = append(s.enCli, client{company: c.id, name: c.name})
	}
	return nil
}

func (s *seeder) employee() int64 {
	if s.rng.IntN(10) < 8 {
		return pick(s.rng, s.sales)
	}
	return pick(s.rng, s.managers)
}

// amount is log-uniform between 300 and 80,000, in whole units.
func (s *seeder) amount() int64 {
	lo, hi := math.Log(300), math.Log(80000)
	v := math.Exp(lo + s.rng.Float64()*(hi-lo))
	return int64(v) * 100
}

func (s *seeder) line() data.LineInput {
	pr := pick(s.rng, s.products)
	fr := !strings.HasPrefix(s.opt.Lang, "en")
	name, unit := pr.p.en, pr.p.unitEn
	if fr {
		name, unit = pr.p.fr, pr.p.unitFr
	}
	l := data.LineInput{ProductID: pr.id, Name: name, Unit: unit, Price: pr.p.price, TaxRate: pr.p.tax,
		Quantity: int64(1+s.rng.IntN(12)) * 1000, DiscountKind: data.DiscountPercent}
	switch unit {
	case "h", "m²", "kg", "jour", "day":
		l.Quantity = int64(1+s.rng.IntN(40)) * 250 // 0.25 steps
	}
	switch s.rng.IntN(10) {
	case 0, 1:
		l.Discount = int64(pick(s.rng, []int{500, 1000, 1500, 2000}))
	case 2:
		l.DiscountKind, l.Discount = data.DiscountAmount, min(l.Price, int64(1+s.rng.IntN(20))*100)
	case 3:
		l.TaxIncluded = true
	}
	return l
}

func (s *seeder) deal(b *data.BulkTx, i int) error {
	fr := s.fr()
	clis := s.enCli
	if fr {
		clis = s.frCli
	}
	if len(clis) == 0 {
		clis = append(s.frCli, s.enCli...)
	}
	cl := pick(s.rng, clis)
	stage := s.stage()
	rich := i%richEvery == 0
	if rich {
		stage = s.stages[2%len(s.stages)]
	}
	titles := enDeals
	if cl.fr {
		titles = frDeals
	}
	in := data.BulkDeal{DealInput: data.DealInput{
		Title:         pick(s.rng, titles) + " – " + cl.name,
		PipelineID:    s.pipeline.ID,
		StageID:       stage.ID,
		ContactID:     cl.contact,
		CompanyID:     cl.company,
		ResponsibleID: s.employee(),
		Amount:        s.amount(),
		Currency:      "EUR",
		Source:        pick(s.rng, []data.Source{data.SourceManual, data.SourceManual, data.SourceEmail, data.SourceEmail, data.SourceCall, data.SourceImport}),
	}}
	if !cl.fr {
		switch n := s.rng.IntN(20); {
		case n < 16:
			in.Currency = "GBP"
		case n < 19:
			in.Currency = "EUR"
		default:
			in.Currency = "USD"
		}
	}
	if s.rng.IntN(10) == 0 {
		in.Observers = []int64{pick(s.rng, s.sales)}
	}
	reasons := enLost
	if cl.fr {
		reasons = frLost
	}
	end := s.history(&in, stage, rich, reasons)
	if stage.Semantics == data.StatusOpen {
		in.CloseDate = s.closeDate()
		if s.rng.IntN(10) == 0 {
			p := 5 * (1 + s.rng.IntN(19))
			in.Probability = &p
		}
	}
	nLines := 0
	if rich {
		nLines = 20
	} else if s.rng.IntN(4) == 0 {
		nLines = 1 + s.rng.IntN(5)
	}
	for range nLines {
		in.Lines = append(in.Lines, s.line())
	}
	id, err := b.Deal(in)
	if err != nil {
		return err
	}
	s.sum.Deals++
	s.sum.Lines += nLines
	s.sum.Entries += 1 + len(in.Path)
	if stage.Final() && len(in.Path) == 0 {
		s.sum.Entries++
	}
	if rich && s.sum.RichDeal == 0 {
		s.sum.RichDeal = id
	}
	nEntries := s.rng.IntN(4)
	if rich {
		nEntries = 199 - len(in.Path)
	}
	comments, calls := enComments, enCalls
	if cl.fr {
		comments, calls = frComments, frCalls
	}
	created, updated := in.CreatedAt, in.UpdatedAt
	for k := range nEntries {
		at := created.Add(time.Duration(int64(k+1) * int64(updated.Sub(created)+time.Hour) / int64(nEntries+1)))
		author := in.ResponsibleID
		if s.rng.IntN(2) == 0 {
			if err := b.Entry(id, author, data.EntryComment, pick(s.rng, comments), nil, at); err != nil {
				return err
			}
		} else {
			mins := 2 + s.rng.IntN(30)
			if err := b.Entry(id, author, data.EntryCall, pick(s.rng, calls),
				data.CallData{Seconds: int64(mins) * 60, Direction: pick(s.rng, []data.CallDirection{data.CallIn, data.CallOut})}, at); err != nil {
				return err
			}
		}
		s.sum.Entries++
	}
	return s.activities(b, id, in, stage, cl.fr, end)
}

// workTime is a time of a working day: the day's 08:00 to 19:00 UTC.
func (s *seeder) workTime(day time.Time) time.Time {
	d := day.UTC()
	return time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, time.UTC).Add(time.Duration(s.rng.IntN(11*60)) * time.Minute)
}

// daysAgo is a working time that many days before the anchor.
func (s *seeder) daysAgo(n int) time.Time { return s.workTime(s.anchor.AddDate(0, 0, -n)) }

// history gives a deal its creation time, its stage moves up to its stage
// and its last update, and returns the end of its active life (its close,
// or the anchor for an open deal). An open deal was created in the last six
// months and went through the stages before its own (now and then skipping
// one; one in thirty was lost on the way and reopened); a won or lost deal
// closed in the past year, 1 to 150 days after its creation, having got
// further on average when won than when lost. Moves are spread over the deal's life in order.
func (s *seeder) history(in *data.BulkDeal, stage data.Stage, rich bool, reasons []string) time.Time {
	last := len(s.open) - 1
	var target int // the furthest open stage reached
	var end time.Time
	switch stage.Semantics {
	case data.StatusOpen:
		in.CreatedAt = s.daysAgo(1 + s.rng.IntN(180))
		if rich {
			in.CreatedAt = s.daysAgo(300)
		}
		for i, st := range s.open {
			if st.ID == stage.ID {
				target = i
			}
		}
		age := s.anchor.Sub(in.CreatedAt)
		end = in.CreatedAt.Add(time.Duration(s.rng.Int64N(int64(age)) + int64(time.Hour)))
	default:
		end = s.daysAgo(1 + s.rng.IntN(364))
		days := math.Exp(s.rng.Float64() * math.Log(150))
		in.CreatedAt = end.Add(-time.Duration(days * float64(24*time.Hour)))
		target = s.rng.IntN(last + 1)
		if stage.Semantics == data.StatusWon && s.rng.IntN(2) == 0 {
			target = last
		}
	}
	var stops []data.Stage
	for i := 1; i <= target; i++ {
		if i < target && !rich && s.rng.IntN(6) == 0 {
			continue // a stage skipped
		}
		stops = append(stops, s.open[i])
	}
	reopened := stage.Semantics == data.StatusOpen && !rich && s.rng.IntN(30) == 0
	if reopened {
		lost, _ := s.pipeline.FinalStage(data.StatusLost)
		stops = append(stops, lost, stage)
	}
	if stage.Final() {
		stops = append(stops, stage)
	}
	if stage.Semantics == data.StatusLost {
		in.LostReason = pick(s.rng, reasons)
	}
	span := end.Sub(in.CreatedAt)
	for k, st := range stops {
		m := data.BulkMove{StageID: st.ID, At: in.CreatedAt.Add(time.Duration(int64(k+1) * int64(span) / int64(len(stops))))}
		if st.Semantics == data.StatusLost && k < len(stops)-1 {
			m.LostReason = pick(s.rng, reasons)
		}
		in.Path = append(in.Path, m)
	}
	in.UpdatedAt = end
	if len(stops) == 0 {
		in.UpdatedAt = in.CreatedAt.Add(time.Duration(s.rng.Int64N(int64(span) + 1)))
	}
	return end
}

// closeDate is an open deal's expected close: none for one in sixteen,
// overdue (up to forty days ago) for one in twelve, and otherwise over the
// coming six months, most in the next three.
func (s *seeder) closeDate() string {
	var d int
	switch n := s.rng.IntN(48); {
	case n < 3:
		return ""
	case n < 7:
		d = -1 - s.rng.IntN(40)
	case n < 27:
		d = s.rng.IntN(31)
	case n < 41:
		d = 31 + s.rng.IntN(60)
	default:
		d = 91 + s.rng.IntN(90)
	}
	return s.anchor.AddDate(0, 0, d).Format("2006-01-02")
}

// activities gives a deal zero to three activities done during its life and,
// for most open deals, one still open and due around the anchor: from three
// days before it (overdue) to four weeks after.
func (s *seeder) activities(b *data.BulkTx, id int64, in data.BulkDeal, stage data.Stage, fr bool, end time.Time) error {
	subjects := enActivities
	if fr {
		subjects = frActivities
	}
	kinds := []data.ActivityKind{data.ActivityCall, data.ActivityCall, data.ActivityMeeting, data.ActivityTask, data.ActivityDocuments}
	result := "OK"
	if fr {
		result = "Fait"
	}
	for range s.rng.IntN(4) {
		done := in.CreatedAt.Add(time.Duration(s.rng.Int64N(int64(end.Sub(in.CreatedAt)) + 1)))
		due := done.Add(-time.Duration(s.rng.IntN(48*60)) * time.Minute)
		if due.Before(in.CreatedAt) {
			due = done
		}
		act := data.ActivityInput{Kind: pick(s.rng, kinds), Subject: pick(s.rng, subjects), DueAt: due, ResponsibleID: in.ResponsibleID}
		if err := b.Activity(id, in.ResponsibleID, act, done, result, in.CreatedAt); err != nil {
			return err
		}
		s.sum.Activities++
	}
	if stage.Semantics == data.StatusOpen && s.rng.IntN(10) < 6 {
		due := s.workTime(s.anchor.AddDate(0, 0, s.rng.IntN(31)-3))
		act := data.ActivityInput{Kind: pick(s.rng, kinds), Subject: pick(s.rng, subjects), DueAt: due, ResponsibleID: in.ResponsibleID}
		if s.rng.IntN(3) == 0 {
			act.RemindAt = due.Add(-30 * time.Minute)
		}
		if err := b.Activity(id, in.ResponsibleID, act, time.Time{}, "", in.UpdatedAt); err != nil {
			return err
		}
		s.sum.Activities++
	}
	return nil
}
