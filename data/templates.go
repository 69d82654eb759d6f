package data

import (
	"context"
	"fmt"
	"strings"
)

// EmailTemplate is a reusable email text, managed in Settings. Subject and
// Body may hold the placeholders {{client.name}}, {{deal.title}},
// {{deal.amount}} and {{me.name}}.
type EmailTemplate struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// TemplatePlaceholders lists the placeholders a template may use.
var TemplatePlaceholders = []string{"{{client.name}}", "{{deal.title}}", "{{deal.amount}}", "{{me.name}}"}

// TemplateValues are the values placeholders are replaced with.
type TemplateValues struct {
	ClientName string
	DealTitle  string
	// DealAmount is how {{deal.amount}} reads: the UI writes Amount in the
	// person's language; TemplateValuesFor gives its record form
	// (Money.String, "1200.00 EUR").
	DealAmount string
	Amount     Money
	MeName     string
}

// Fill replaces the placeholders of text. Unknown placeholders are left as
// they are, so a typo shows.
func (v TemplateValues) Fill(text string) string {
	return strings.NewReplacer(
		"{{client.name}}", v.ClientName,
		"{{deal.title}}", v.DealTitle,
		"{{deal.amount}}", v.DealAmount,
		"{{me.name}}", v.MeName,
	).Replace(text)
}

// TemplateValuesFor reads the values of a deal for the acting employee, as
// they are now: an email queued from them keeps its bytes whatever the deal
// becomes.
func (s *Store) TemplateValuesFor(ctx context.Context, actor, dealID int64) (TemplateValues, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return TemplateValues{}, err
	}
	d, err := s.Deal(ctx, actor, dealID)
	if err != nil {
		return TemplateValues{}, err
	}
	amount := Money{Minor: d.Amount, Currency: d.Currency}
	return TemplateValues{ClientName: d.ClientName(), DealTitle: d.Title, DealAmount: amount.String(), Amount: amount, MeName: me.Name}, nil
}

// WithSignature appends a signature after the usual "-- " line, unless the
// text already ends with it.
func WithSignature(text, signature string) string {
	signature = strings.TrimSpace(signature)
	if signature == "" || strings.HasSuffix(strings.TrimSpace(text), signature) {
		return text
	}
	return strings.TrimRight(text, "\n") + "\n\n-- \n" + signature + "\n"
}

func (t *EmailTemplate) validate() error {
	var v validator
	t.Name = CleanName(t.Name)
	t.Subject = CleanName(t.Subject)
	t.Body = CleanText(t.Body)
	if t.Name == "" {
		v.add("name", "required", "the template needs a name")
	}
	if strings.TrimSpace(t.Subject) == "" && strings.TrimSpace(t.Body) == "" {
		v.add("body", "required", "the template is empty")
	}
	return v.err()
}

// SaveTemplate creates (ID 0) or changes an email template. Any active
// employee may.
func (s *Store) SaveTemplate(ctx context.Context, actor int64, t EmailTemplate) (EmailTemplate, error) {
	if err := t.validate(); err != nil {
		return EmailTemplate{}, err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		now := tx.s.now()
		if t.ID == 0 {
			err := tx.queryRow(`INSERT INTO email_templates (name, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				t.Name, t.Subject, t.Body, now, now).Scan(&t.ID)
			if isUnique(err) {
				return &ValidationError{Fields: []FieldError{{Field: "name", Code: "duplicate", Message: "a template has this name already"}}}
			}
			if err != nil {
				return err
			}
		} else {
			res, err := tx.exec(`UPDATE email_templates SET name = ?, subject = ?, body = ?, updated_at = ? WHERE id = ?`,
				t.Name, t.Subject, t.Body, now, t.ID)
			if isUnique(err) {
				return &ValidationError{Fields: []FieldError{{Field: "name", Code: "duplicate", Message: "a template has this name already"}}}
			}
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
		tx.changed(KindSettings, 0)
		return nil
	})
	if err != nil {
		return EmailTemplate{}, fmt.Errorf("save template %q: %w", t.Name, err)
	}
	return t, nil
}

// DeleteTemplate deletes an email template.
func (s *Store) DeleteTemplate(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM email_templates WHERE id = ?`, id); err != nil {
			return err
		}
		tx.changed(KindSettings, 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete template %d: %w", id, err)
	}
	return nil
}

// Templates lists the email templates by name, to an active employee.
func (s *Store) Templates(ctx context.Context, actor int64) ([]EmailTemplate, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, subject, body FROM email_templates ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	defer rows.Close()
	var out []EmailTemplate
	for rows.Next() {
		var t EmailTemplate
		if err := rows.Scan(&t.ID, &t.Name, &t.Subject, &t.Body); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
