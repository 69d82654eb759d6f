package data

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Product is an item of the catalog.
type Product struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	SKU       string    `json:"sku,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Price     int64     `json:"-"` // minor units
	Currency  string    `json:"currency"`
	TaxRate   int64     `json:"-"` // hundredths of a percent
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ProductInput creates or edits a catalog product.
type ProductInput struct {
	Name     string
	SKU      string
	Unit     string
	Price    int64
	Currency string
	TaxRate  int64
	Active   bool
}

// DiscountKind says how a line's discount is expressed.
type DiscountKind string

// Discount kinds.
const (
	DiscountPercent DiscountKind = "percent" // Discount in hundredths of a percent of the unit price
	DiscountAmount  DiscountKind = "amount"  // Discount in minor units off each unit
)

// Line is a product line of a deal: a snapshot of the product's name and
// price when it was added, so later catalog changes never alter it.
type Line struct {
	ID           int64
	DealID       int64
	Position     int
	ProductID    int64 // 0 for a free line
	Name         string
	Unit         string
	Price        int64 // unit price, minor units
	Quantity     int64 // thousandths
	DiscountKind DiscountKind
	Discount     int64
	TaxRate      int64 // hundredths of a percent
	TaxIncluded  bool  // Price includes tax
	Totals       LineTotals
}

// LineInput is one line as a form gives it.
type LineInput struct {
	ProductID    int64
	Name         string
	Unit         string
	Price        int64
	Quantity     int64
	DiscountKind DiscountKind
	Discount     int64
	TaxRate      int64
	TaxIncluded  bool
}

// LineTotals are a line's amounts in minor units.
type LineTotals struct {
	Discount int64 // total discount granted on the line
	Net      int64 // without tax
	Tax      int64
	Gross    int64 // with tax; what the client pays
}

// RateTotal is the tax due at one rate.
type RateTotal struct {
	Rate int64 // hundredths of a percent
	Net  int64 // the base taxed at this rate
	Tax  int64
}

// Totals are a set of lines' amounts.
type Totals struct {
	Net    int64
	Tax    int64
	Gross  int64
	ByRate []RateTotal // ascending rate
}

// ComputeLine computes a line's amounts. The rounding rule, applied once per
// line, in minor units, half away from zero:
//
//	subtotal = round(quantity × unit price after discount)
//	tax excluded: net = subtotal, tax = round(net × rate), gross = net + tax
//	tax included: gross = subtotal, net = round(gross / (1 + rate)), tax = gross − net
//
// Document totals add the rounded line figures, so lines and totals always
// agree to the cent.
func ComputeLine(in LineInput) LineTotals {
	qty := big.NewInt(in.Quantity)
	price := big.NewInt(in.Price)
	full := divRound(new(big.Int).Mul(qty, price), big.NewInt(1000))
	var sub *big.Int
	switch in.DiscountKind {
	case DiscountAmount:
		unit := new(big.Int).Sub(price, big.NewInt(in.Discount))
		sub = divRound(new(big.Int).Mul(qty, unit), big.NewInt(1000))
	default:
		num := new(big.Int).Mul(qty, price)
		num.Mul(num, big.NewInt(10000-in.Discount))
		sub = divRound(num, big.NewInt(1000*10000))
	}
	rate := big.NewInt(in.TaxRate)
	var t LineTotals
	t.Discount = full.Int64() - sub.Int64()
	if in.TaxIncluded {
		t.Gross = sub.Int64()
		t.Net = divRound(new(big.Int).Mul(sub, big.NewInt(10000)), new(big.Int).Add(big.NewInt(10000), rate)).Int64()
		t.Tax = t.Gross - t.Net
	} else {
		t.Net = sub.Int64()
		t.Tax = divRound(new(big.Int).Mul(sub, rate), big.NewInt(10000)).Int64()
		t.Gross = t.Net + t.Tax
	}
	return t
}

// ComputeTotals adds up lines: net, tax per rate, gross.
func ComputeTotals(lines []LineInput) Totals {
	var t Totals
	byRate := map[int64]*RateTotal{}
	for _, l := range lines {
		lt := ComputeLine(l)
		t.Net += lt.Net
		t.Tax += lt.Tax
		t.Gross += lt.Gross
		rt := byRate[l.TaxRate]
		if rt == nil {
			rt = &RateTotal{Rate: l.TaxRate}
			byRate[l.TaxRate] = rt
		}
		rt.Net += lt.Net
		rt.Tax += lt.Tax
	}
	for _, rt := range byRate {
		t.ByRate = append(t.ByRate, *rt)
	}
	slices.SortFunc(t.ByRate, func(a, b RateTotal) int { return int(a.Rate - b.Rate) })
	return t
}

// Input returns the line as an input.
func (l Line) Input() LineInput {
	return LineInput{ProductID: l.ProductID, Name: l.Name, Unit: l.Unit, Price: l.Price, Quantity: l.Quantity,
		DiscountKind: l.DiscountKind, Discount: l.Discount, TaxRate: l.TaxRate, TaxIncluded: l.TaxIncluded}
}

// ValidateLine checks one line; field names are prefixed with prefix.
func ValidateLine(in *LineInput, prefix string) []FieldError {
	var v validator
	in.Name = CleanName(in.Name)
	in.Unit = CleanName(in.Unit)
	if in.DiscountKind == "" {
		in.DiscountKind = DiscountPercent
	}
	if in.Name == "" {
		v.add(prefix+"name", "required", "product name is required")
	}
	if in.Quantity <= 0 {
		v.add(prefix+"quantity", "not_positive", "quantity must be more than 0")
	}
	if in.Price < 0 {
		v.add(prefix+"price", "negative", "price cannot be negative")
	}
	switch in.DiscountKind {
	case DiscountPercent:
		if in.Discount < 0 || in.Discount > 10000 {
			v.add(prefix+"discount", "out_of_range", "discount must be between 0 and 100 %%")
		}
	case DiscountAmount:
		if in.Discount < 0 || in.Discount > in.Price {
			v.add(prefix+"discount", "over_price", "discount cannot be more than the unit price")
		}
	default:
		v.add(prefix+"discount_kind", "invalid", "discount is a percent or an amount")
	}
	if in.TaxRate < 0 || in.TaxRate > 10000 {
		v.add(prefix+"tax_rate", "out_of_range", "tax rate must be between 0 and 100 %%")
	}
	if len(v.errs) == 0 {
		// With tax a line is at most twice quantity × price: keep that under
		// the bound, so no figure of a line, nor of thousands of them, can
		// overflow.
		full := new(big.Int).Mul(big.NewInt(in.Quantity), big.NewInt(in.Price))
		if full.Cmp(new(big.Int).Mul(big.NewInt(MaxLineTotal/2), big.NewInt(1000))) > 0 {
			v.add(prefix+"total", "too_large", "the line's total is too large")
		}
	}
	return v.errs
}

// MaxLineTotal bounds a product line's gross total, in minor units (ten
// thousand trillion euros), and the gross total of a deal's lines
// (ValidateLines): then no figure of one line nor of their sum (net, tax,
// gross, each rate's) can overflow an int64.
const MaxLineTotal = 1_000_000_000_000_000

// ValidateLines checks a deal's lines, each as ValidateLine does (fields
// "lines[i].…"), and their sum: the line whose gross total takes the sum
// past MaxLineTotal is refused with the field "lines[i].total" and code
// "too_large", so that a deal's amount never wraps around.
func ValidateLines(lines []LineInput) []FieldError {
	var v validator
	var sum int64
	for i := range lines {
		errs := ValidateLine(&lines[i], fmt.Sprintf("lines[%d].", i))
		v.errs = append(v.errs, errs...)
		if len(errs) > 0 {
			continue
		}
		// Each gross is at most MaxLineTotal, so this never overflows.
		sum += ComputeLine(lines[i]).Gross
		if sum > MaxLineTotal {
			v.add(fmt.Sprintf("lines[%d].total", i), "too_large",
				"the lines add up to more than the largest total a deal can hold")
			break
		}
	}
	return v.errs
}

// Lines returns a deal's product lines in order, with their totals.
func (s *Store) Lines(ctx context.Context, actor, dealID int64) ([]Line, error) {
	if _, err := s.Deal(ctx, actor, dealID); err != nil {
		return nil, err
	}
	return loadLines(ctx, s.r, dealID)
}

func loadLines(ctx context.Context, q querier, dealID int64) ([]Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, deal_id, position, coalesce(product_id, 0), name, unit, price, quantity,
		discount_kind, discount, tax_rate, tax_included FROM deal_products WHERE deal_id = ? ORDER BY position, id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("lines of deal %d: %w", dealID, err)
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.ID, &l.DealID, &l.Position, &l.ProductID, &l.Name, &l.Unit, &l.Price, &l.Quantity,
			&l.DiscountKind, &l.Discount, &l.TaxRate, &l.TaxIncluded); err != nil {
			return nil, fmt.Errorf("lines of deal %d: %w", dealID, err)
		}
		l.Totals = ComputeLine(l.Input())
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetLines replaces a deal's product lines (in the order given) and sets the
// deal's amount to their gross total, in one transaction with a timeline
// entry. No lines: the amount stays as it was and is editable again.
func (s *Store) SetLines(ctx context.Context, actor, dealID int64, lines []LineInput) ([]Line, error) {
	if errs := ValidateLines(lines); len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, d, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM deal_products WHERE deal_id = ?`, dealID); err != nil {
			return err
		}
		for i, l := range lines {
			if _, err := tx.exec(`INSERT INTO deal_products (deal_id, position, product_id, name, unit, price, quantity,
				discount_kind, discount, tax_rate, tax_included) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				dealID, i, nullID(l.ProductID), l.Name, l.Unit, l.Price, l.Quantity, l.DiscountKind, l.Discount, l.TaxRate, l.TaxIncluded); err != nil {
				return err
			}
		}
		amount := d.Amount
		if len(lines) > 0 {
			amount = ComputeTotals(lines).Gross
		}
		if _, err := tx.exec(`UPDATE deals SET amount = ?, updated_at = ? WHERE id = ?`, amount, tx.s.now(), dealID); err != nil {
			return err
		}
		data := ProductsData{Lines: len(lines), Old: Money{d.Amount, d.Currency}, New: Money{amount, d.Currency}}
		if err := tx.addEntry(dealID, a.ID, EntryProducts, "", data); err != nil {
			return err
		}
		tx.changed(KindDeal, dealID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set lines of deal %d: %w", dealID, err)
	}
	return loadLines(ctx, s.r, dealID)
}

func (in *ProductInput) validate() error {
	if errs := ValidateProduct(in); len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// ValidateProduct checks a catalog product, trimming its name and SKU and
// filling the default currency.
func ValidateProduct(in *ProductInput) []FieldError {
	var v validator
	in.Name = CleanName(in.Name)
	in.SKU = CleanName(in.SKU)
	in.Unit = CleanName(in.Unit)
	if in.Currency == "" {
		in.Currency = DefaultCurrency
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	if in.Price < 0 {
		v.add("price", "negative", "price cannot be negative")
	}
	if _, ok := CurrencyDigits(in.Currency); !ok {
		v.add("currency", "unknown_currency", "%q is not an ISO 4217 currency", in.Currency)
	}
	if in.TaxRate < 0 || in.TaxRate > 10000 {
		v.add("tax_rate", "out_of_range", "tax rate must be between 0 and 100 %%")
	}
	return v.errs
}

// SaveProduct creates (id 0) or updates a catalog product. Managers and
// admins keep the catalog.
func (s *Store) SaveProduct(ctx context.Context, actor, id int64, in ProductInput) (Product, error) {
	if err := in.validate(); err != nil {
		return Product{}, err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		var err error
		id, err = tx.saveProduct(actor, id, in)
		return err
	})
	if err != nil {
		return Product{}, fmt.Errorf("save product: %w", err)
	}
	return s.product(ctx, id)
}

func (tx *wtx) saveProduct(actor, id int64, in ProductInput) (int64, error) {
	a, err := tx.actor(actor)
	if err != nil {
		return 0, err
	}
	if !a.SeesAll() {
		return 0, fmt.Errorf("only managers and admins edit the catalog: %w", ErrForbidden)
	}
	now := tx.s.now()
	if id == 0 {
		res, err := tx.exec(`INSERT INTO products (name, sku, unit, price, currency, tax_rate, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.SKU, in.Unit, in.Price, in.Currency, in.TaxRate, in.Active, now, now)
		if isUnique(err) {
			return 0, &ValidationError{Fields: []FieldError{{Field: "sku", Code: "taken", Message: "another product has this SKU"}}}
		}
		if err != nil {
			return 0, err
		}
		id, _ = res.LastInsertId()
	} else {
		res, err := tx.exec(`UPDATE products SET name = ?, sku = ?, unit = ?, price = ?, currency = ?, tax_rate = ?, active = ?, updated_at = ?
			WHERE id = ?`, in.Name, in.SKU, in.Unit, in.Price, in.Currency, in.TaxRate, in.Active, now, id)
		if isUnique(err) {
			return 0, &ValidationError{Fields: []FieldError{{Field: "sku", Code: "taken", Message: "another product has this SKU"}}}
		}
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, ErrNotFound
		}
	}
	tx.changed(KindProduct, id)
	return id, nil
}

const productCols = `id, name, sku, unit, price, currency, tax_rate, active, created_at, updated_at`

func scanProduct(sc interface{ Scan(...any) error }) (Product, error) {
	var p Product
	var created, updated string
	err := sc.Scan(&p.ID, &p.Name, &p.SKU, &p.Unit, &p.Price, &p.Currency, &p.TaxRate, &p.Active, &created, &updated)
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return p, err
}

// Product returns one catalog product, to an active employee.
func (s *Store) Product(ctx context.Context, actor, id int64) (Product, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return Product{}, fmt.Errorf("product %d: %w", id, err)
	}
	return s.product(ctx, id)
}

func (s *Store) product(ctx context.Context, id int64) (Product, error) {
	p, err := scanProduct(s.r.QueryRowContext(ctx, `SELECT `+productCols+` FROM products WHERE id = ?`, id))
	if err != nil {
		return p, fmt.Errorf("product %d: %w", id, notFound(err))
	}
	return p, nil
}

// Products lists catalog products by name after the cursor; search narrows
// by name or SKU prefix (case-insensitive); onlyActive hides retired ones.
// Any active employee may.
func (s *Store) Products(ctx context.Context, actor int64, search string, onlyActive bool, after ListCursor, limit int) ([]Product, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	q := `SELECT ` + productCols + ` FROM products WHERE (name COLLATE NOCASE, id) > (? COLLATE NOCASE, ?)`
	args := []any{after.Key, after.ID}
	if search = strings.TrimSpace(search); search != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(search) + "%"
		q += ` AND (name LIKE ? ESCAPE '\' OR sku LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	if onlyActive {
		q += ` AND active = 1`
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY name COLLATE NOCASE, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
