package data

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Role is what an employee may do.
type Role string

// Roles.
const (
	RoleAdmin   Role = "admin"   // everything, including pipelines, fields and employees
	RoleManager Role = "manager" // sees and edits every deal
	RoleSales   Role = "sales"   // sees and edits the deals they are responsible for; reads those they observe
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleManager || r == RoleSales }

// Employee is a user of the CRM.
type Employee struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	Active    bool      `json:"active"`
	Signature string    `json:"signature,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// SeesAll reports whether the employee sees every deal.
func (e Employee) SeesAll() bool { return e.Role == RoleAdmin || e.Role == RoleManager }

// CanConfigure reports whether the employee may edit pipelines, stages,
// custom fields and employees.
func (e Employee) CanConfigure() bool { return e.Role == RoleAdmin }

const employeeCols = `id, name, email, role, active, signature, created_at`

func scanEmployee(sc interface{ Scan(...any) error }) (Employee, error) {
	var e Employee
	var created string
	err := sc.Scan(&e.ID, &e.Name, &e.Email, &e.Role, &e.Active, &e.Signature, &created)
	e.CreatedAt = parseTime(created)
	return e, err
}

// Employee returns one employee.
func (s *Store) Employee(ctx context.Context, id int64) (Employee, error) {
	e, err := scanEmployee(s.r.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE id = ?`, id))
	if err != nil {
		return e, fmt.Errorf("employee %d: %w", id, notFound(err))
	}
	return e, nil
}

// EmployeeByEmail finds an employee by address, case-insensitively.
func (s *Store) EmployeeByEmail(ctx context.Context, email string) (Employee, error) {
	e, err := scanEmployee(s.r.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE email = ?`, strings.TrimSpace(email)))
	if err != nil {
		return e, fmt.Errorf("employee %s: %w", email, notFound(err))
	}
	return e, nil
}

// FirstAdmin returns the oldest active admin: the one headless commands act as
// by default.
func (s *Store) FirstAdmin(ctx context.Context) (Employee, error) {
	e, err := scanEmployee(s.r.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees
		WHERE role = 'admin' AND active = 1 ORDER BY id LIMIT 1`))
	if err != nil {
		return e, fmt.Errorf("first admin: %w", notFound(err))
	}
	return e, nil
}

// Employees lists employees by name, to an active employee.
func (s *Store) Employees(ctx context.Context, actor int64) ([]Employee, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("employees: %w", err)
	}
	return s.employees(ctx)
}

// SignInEmployees lists the active employees by name, for choosing who uses
// this device: it takes no actor, as it is how the actor is chosen.
func (s *Store) SignInEmployees(ctx context.Context) ([]Employee, error) {
	all, err := s.employees(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.Active {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *Store) employees(ctx context.Context) ([]Employee, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+employeeCols+` FROM employees ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("employees: %w", err)
	}
	defer rows.Close()
	var out []Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, fmt.Errorf("employees: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EmployeeInput is what a form or command gives to create or edit an employee.
type EmployeeInput struct {
	Name   string
	Email  string
	Role   Role
	Active bool
	// Signature is the new employee's signature, read by CreateEmployee
	// only: UpdateEmployee leaves the stored one alone (a form holding an old
	// copy must not revert it); SetSignature changes it.
	Signature string
}

// maxSignature bounds a signature, in bytes.
const maxSignature = 4000

// SetSignature changes the acting employee's own email signature, and only
// that column, so it never reverts a concurrent edit of their other details.
func (s *Store) SetSignature(ctx context.Context, actor int64, text string) error {
	text = CleanText(text)
	if len(text) > maxSignature {
		return &ValidationError{Fields: []FieldError{{Field: "signature", Code: "too_long",
			Message: fmt.Sprintf("a signature is at most %d characters", maxSignature)}}}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		me, err := tx.actor(actor)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE employees SET signature = ? WHERE id = ?`, text, me.ID); err != nil {
			return err
		}
		tx.changed(KindEmployee, me.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("set signature of employee %d: %w", actor, err)
	}
	return nil
}

func (in *EmployeeInput) validate() error {
	var v validator
	in.Name = CleanName(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	in.Signature = CleanText(in.Signature)
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	if in.Email == "" {
		v.add("email", "required", "email is required")
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		v.add("email", "invalid_email", "%q is not an email address", in.Email)
	}
	if !in.Role.Valid() {
		v.add("role", "invalid_role", "role must be admin, manager or sales")
	}
	return v.err()
}

// CreateFirstAdmin makes the first employee of an empty database, an admin.
// It fails with ErrConflict when the database already has employees.
func (s *Store) CreateFirstAdmin(ctx context.Context, name, email string) (Employee, error) {
	in := EmployeeInput{Name: name, Email: email, Role: RoleAdmin, Active: true}
	if err := in.validate(); err != nil {
		return Employee{}, err
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		var n int
		if err := tx.queryRow(`SELECT count(*) FROM employees`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		var err error
		id, err = tx.insertEmployee(in)
		return err
	})
	if err != nil {
		return Employee{}, fmt.Errorf("create first admin: %w", err)
	}
	return s.Employee(ctx, id)
}

// CreateEmployee adds an employee; only an admin may.
func (s *Store) CreateEmployee(ctx context.Context, actor int64, in EmployeeInput) (Employee, error) {
	if err := in.validate(); err != nil {
		return Employee{}, err
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		var err error
		id, err = tx.insertEmployee(in)
		return err
	})
	if err != nil {
		return Employee{}, fmt.Errorf("create employee: %w", err)
	}
	return s.Employee(ctx, id)
}

func (tx *wtx) insertEmployee(in EmployeeInput) (int64, error) {
	res, err := tx.exec(`INSERT INTO employees (name, email, role, active, signature, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		in.Name, in.Email, in.Role, in.Active, in.Signature, tx.s.now())
	if isUnique(err) {
		return 0, &ValidationError{Fields: []FieldError{{Field: "email", Code: "taken", Message: "another employee has this email"}}}
	}
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	tx.changed(KindEmployee, id)
	return id, nil
}

// UpdateEmployee edits an employee. Admins edit anyone; an employee may edit
// their own name but not their role. The signature is left alone
// (in.Signature is ignored): see SetSignature.
func (s *Store) UpdateEmployee(ctx context.Context, actor, id int64, in EmployeeInput) (Employee, error) {
	if err := in.validate(); err != nil {
		return Employee{}, err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		me, err := tx.actor(actor)
		if err != nil {
			return err
		}
		old, err := tx.employee(id)
		if err != nil {
			return err
		}
		if !me.CanConfigure() && (actor != id || in.Role != old.Role || in.Active != old.Active) {
			return ErrForbidden
		}
		if old.Role == RoleAdmin && (in.Role != RoleAdmin || !in.Active) {
			var admins int
			if err := tx.queryRow(`SELECT count(*) FROM employees WHERE role = 'admin' AND active = 1 AND id <> ?`, id).Scan(&admins); err != nil {
				return err
			}
			if admins == 0 {
				return &ValidationError{Fields: []FieldError{{Field: "role", Code: "last_admin", Message: "the last admin must stay an active admin"}}}
			}
		}
		_, err = tx.exec(`UPDATE employees SET name = ?, email = ?, role = ?, active = ? WHERE id = ?`,
			in.Name, in.Email, in.Role, in.Active, id)
		if isUnique(err) {
			return &ValidationError{Fields: []FieldError{{Field: "email", Code: "taken", Message: "another employee has this email"}}}
		}
		tx.changed(KindEmployee, id)
		return err
	})
	if err != nil {
		return Employee{}, fmt.Errorf("update employee %d: %w", id, err)
	}
	return s.Employee(ctx, id)
}

func (tx *wtx) employee(id int64) (Employee, error) {
	e, err := scanEmployee(tx.queryRow(`SELECT `+employeeCols+` FROM employees WHERE id = ?`, id))
	if err != nil {
		return e, fmt.Errorf("employee %d: %w", id, notFound(err))
	}
	return e, nil
}

// actor loads the acting employee; an inactive or unknown one may do nothing.
func (tx *wtx) actor(id int64) (Employee, error) {
	e, err := tx.employee(id)
	if err != nil {
		return e, fmt.Errorf("acting employee: %w", ErrForbidden)
	}
	if !e.Active {
		return e, fmt.Errorf("employee %s is inactive: %w", e.Email, ErrForbidden)
	}
	return e, nil
}

func (tx *wtx) requireAdmin(actor int64) error {
	e, err := tx.actor(actor)
	if err != nil {
		return err
	}
	if !e.CanConfigure() {
		return fmt.Errorf("%s is not an admin: %w", e.Email, ErrForbidden)
	}
	return nil
}

// employeeExists checks a reference to an employee.
func (tx *wtx) employeeExists(id int64) (bool, error) {
	var x int
	err := tx.queryRow(`SELECT 1 FROM employees WHERE id = ?`, id).Scan(&x)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}
