package data

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"
)

// rateDigits is the number of decimals a conversion rate keeps: rates are
// stored as integer billionths.
const rateDigits = 9

// CurrencyRate is what one unit of a currency is worth in the base currency,
// as an admin set it, and when.
type CurrencyRate struct {
	Currency string    `json:"currency"`
	Base     string    `json:"base"`
	Rate     string    `json:"rate"` // decimal, "1.17"
	SetAt    time.Time `json:"set_at"`
	SetBy    int64     `json:"set_by,omitempty"`

	billionths int64
}

// Rates are the conversion rates in use: every rate converts into Base.
type Rates struct {
	Base  string         `json:"base"`
	Rates []CurrencyRate `json:"rates"` // by currency code
}

// Rate returns the rate of a currency (the base itself has none).
func (r Rates) Rate(currency string) (CurrencyRate, bool) {
	for _, cr := range r.Rates {
		if cr.Currency == currency {
			return cr, true
		}
	}
	return CurrencyRate{}, false
}

// CurrencyRates returns the conversion rates an admin set; Base is "" when
// there are none.
func (s *Store) CurrencyRates(ctx context.Context) (Rates, error) {
	rs, err := loadRates(ctx, s.r)
	if err != nil {
		return Rates{}, fmt.Errorf("currency rates: %w", err)
	}
	return rs, nil
}

func loadRates(ctx context.Context, q querier) (Rates, error) {
	rows, err := q.QueryContext(ctx, `SELECT currency, base, rate, set_at, coalesce(set_by, 0) FROM currency_rates ORDER BY currency`)
	if err != nil {
		return Rates{}, err
	}
	defer rows.Close()
	var out Rates
	for rows.Next() {
		var cr CurrencyRate
		var at string
		if err := rows.Scan(&cr.Currency, &cr.Base, &cr.billionths, &at, &cr.SetBy); err != nil {
			return Rates{}, err
		}
		cr.SetAt, cr.Rate = parseTime(at), trimZeros(formatScaled(cr.billionths, rateDigits))
		out.Base = cr.Base
		out.Rates = append(out.Rates, cr)
	}
	return out, rows.Err()
}

// SetCurrencyRates replaces the conversion rates: rates maps a currency to
// what one unit of it is worth in base, as a decimal ("1.17" or "1,17"). A
// rate that does not change keeps the date it was set; the others are dated
// now. No rates (and any base) clears them: reports then show totals per
// currency only. Admins only.
func (s *Store) SetCurrencyRates(ctx context.Context, actor int64, base string, rates map[string]string) (Rates, error) {
	base = strings.ToUpper(strings.TrimSpace(base))
	var v validator
	parsed := map[string]int64{}
	if len(rates) > 0 {
		if _, ok := CurrencyDigits(base); !ok {
			v.add("base", "unknown_currency", "%q is not an ISO 4217 currency", base)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(rates)) {
		cur := strings.ToUpper(strings.TrimSpace(code))
		field := "rates." + cur
		switch _, ok := CurrencyDigits(cur); {
		case !ok:
			v.add(field, "unknown_currency", "%q is not an ISO 4217 currency", code)
			continue
		case cur == base:
			v.add(field, "base", "%s is the base currency", cur)
			continue
		}
		n, err := parseScaled(rates[code], rateDigits)
		switch {
		case err != nil:
			v.add(field, "invalid", "rate of %s: %v", cur, err)
		case n <= 0:
			v.add(field, "not_positive", "the rate of %s must be greater than zero", cur)
		default:
			parsed[cur] = n
		}
	}
	if err := v.err(); err != nil {
		return Rates{}, err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		old, err := loadRates(tx.ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM currency_rates`); err != nil {
			return err
		}
		now := tx.s.now()
		for cur, n := range parsed {
			at, by := now, any(actor)
			if o, ok := old.Rate(cur); ok && o.Base == base && o.billionths == n {
				at, by = fmtTime(o.SetAt), nullID(o.SetBy)
			}
			if _, err := tx.exec(`INSERT INTO currency_rates (currency, base, rate, set_at, set_by) VALUES (?, ?, ?, ?, ?)`,
				cur, base, n, at, by); err != nil {
				return err
			}
		}
		tx.changed(KindSettings, 0)
		return nil
	})
	if err != nil {
		return Rates{}, fmt.Errorf("set currency rates: %w", err)
	}
	return s.CurrencyRates(ctx)
}

// Conversion says how a report turned its totals into one currency: the
// rates it used and the currencies it found without one (then it gives no
// converted totals).
type Conversion struct {
	Base    string         `json:"base"`
	Used    []CurrencyRate `json:"used"`
	Missing []string       `json:"missing,omitempty"`
}

// converter turns exact per-currency sums into one total in the base.
type converter struct {
	rates Rates
	used  map[string]bool
	miss  map[string]bool
}

func newConverter(r Rates) *converter {
	if r.Base == "" {
		return nil
	}
	return &converter{rates: r, used: map[string]bool{}, miss: map[string]bool{}}
}

// convert sums amounts (minor units of their currency, times scale) in the
// base's minor units, rounded half away from zero once, on the total. It
// returns nil when a currency has no rate.
func (c *converter) convert(sums map[string]int64, scale int64) *Total {
	if c == nil {
		return nil
	}
	baseDigits, _ := CurrencyDigits(c.rates.Base)
	total := new(big.Rat)
	ok := true
	for cur, v := range sums {
		if v == 0 {
			continue
		}
		digits, _ := CurrencyDigits(cur)
		x := new(big.Rat).SetInt64(v)
		if cur != c.rates.Base {
			r, found := c.rates.Rate(cur)
			if !found {
				c.miss[cur], ok = true, false
				continue
			}
			c.used[cur] = true
			x.Mul(x, big.NewRat(r.billionths, 1_000_000_000))
		}
		x.Mul(x, new(big.Rat).SetFrac(pow10(baseDigits), pow10(digits)))
		total.Add(total, x)
	}
	if !ok {
		return nil
	}
	total.Quo(total, new(big.Rat).SetInt64(scale))
	return &Total{Currency: c.rates.Base, Amount: divRound(total.Num(), total.Denom()).Int64()}
}

// conversion reports the rates a report used.
func (c *converter) conversion() *Conversion {
	if c == nil {
		return nil
	}
	out := &Conversion{Base: c.rates.Base, Used: []CurrencyRate{}}
	for _, r := range c.rates.Rates {
		if c.used[r.Currency] {
			out.Used = append(out.Used, r)
		}
	}
	for cur := range c.miss {
		out.Missing = append(out.Missing, cur)
	}
	slices.Sort(out.Missing)
	return out
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }
