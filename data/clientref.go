package data

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"comptoir/data/storage"
)

// ClientRef names a deal's client as a script does: a contact by email
// address (with a name for a new one) and a company by name.
type ClientRef struct {
	ContactEmail string
	ContactName  string // a new contact's name; "": its address
	Company      string
}

// ResolveClient finds the client a ClientRef names among the clients the
// employee may read, creating a contact or a company that does not exist
// yet (a new contact belongs to the company named). An address that is not
// one is refused on field "contact" (code invalid_email), as the window
// refuses it.
func (s *Store) ResolveClient(ctx context.Context, actor int64, ref ClientRef) (DealClient, error) {
	var out DealClient
	email := strings.TrimSpace(ref.ContactEmail)
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || !strings.EqualFold(a.Address, email) {
			return out, &ValidationError{Fields: []FieldError{{Field: "contact", Code: "invalid_email",
				Message: fmt.Sprintf("%q is not an email address", email)}}}
		}
	}
	if name := CleanName(ref.Company); name != "" {
		_, f, err := s.clientReader(ctx, actor)
		if err != nil {
			return out, fmt.Errorf("company %s: %w", name, err)
		}
		cond, args := f.companies("id")
		err = s.r.QueryRowContext(ctx, `SELECT id FROM companies WHERE name = ? COLLATE NOCASE`+cond+` ORDER BY id LIMIT 1`,
			append([]any{name}, args...)...).Scan(&out.CompanyID)
		if err != nil && !storage.IsNoRows(err) {
			return out, fmt.Errorf("company %s: %w", name, err)
		}
		if out.CompanyID == 0 {
			c, err := s.CreateCompany(ctx, actor, CompanyInput{Name: name})
			if err != nil {
				return out, err
			}
			out.CompanyID = c.ID
		}
	}
	if email != "" {
		cs, err := s.ContactsByEmail(ctx, actor, email)
		if err != nil {
			return out, err
		}
		if len(cs) > 0 {
			out.ContactID = cs[0].ID
			if out.CompanyID == 0 {
				out.CompanyID = cs[0].CompanyID
			}
			return out, nil
		}
		name := CleanName(ref.ContactName)
		if name == "" {
			name = email
		}
		c, err := s.CreateContact(ctx, actor, ContactInput{Name: name, Emails: []string{email}, CompanyID: out.CompanyID})
		if err != nil {
			return out, err
		}
		out.ContactID = c.ID
	}
	return out, nil
}

// Files returns a deal's files, newest first. The caller has read the deal
// through Deal, which checked the actor may see it.
func (sn *Snapshot) Files(dealID int64) ([]FileInfo, error) {
	return loadFiles(sn.ctx, sn.q, FileOwner{Kind: KindDeal, ID: dealID})
}
