package data_test

import (
	"context"
	"errors"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

func TestNormalizeFieldValueErrorCodes(t *testing.T) {
	cases := []struct {
		def  data.FieldDef
		raw  string
		code string
	}{
		{data.FieldDef{Key: "ref", Label: "Ref", Type: data.FieldText, Required: true}, "  ", data.FieldCodeRequired},
		{data.FieldDef{Key: "seats", Label: "Seats", Type: data.FieldNumber}, "many", data.FieldCodeNotNumber},
		{data.FieldDef{Key: "since", Label: "Since", Type: data.FieldDate}, "31/12/2026", data.FieldCodeNotDate},
		{data.FieldDef{Key: "vip", Label: "VIP", Type: data.FieldBool}, "maybe", data.FieldCodeNotYesNo},
		{data.FieldDef{Key: "size", Label: "Size", Type: data.FieldList, Options: []string{"S", "M"}}, "XL", data.FieldCodeNotAnOption},
		{data.FieldDef{Key: "budget", Label: "Budget", Type: data.FieldMoney}, "12.345 EUR", data.FieldCodeBadMoney},
		{data.FieldDef{Key: "budget", Label: "Budget", Type: data.FieldMoney}, "12 XXQ", data.FieldCodeBadMoney},
	}
	for _, c := range cases {
		_, err := data.NormalizeFieldValue(c.def, c.raw)
		var fe *data.FieldError
		if !errors.As(err, &fe) || fe.Code != c.code || fe.Field != "custom."+c.def.Key || fe.Message == "" {
			t.Errorf("NormalizeFieldValue(%s, %q) = %v (%#v), want a FieldError with code %s", c.def.Type, c.raw, err, fe, c.code)
		}
	}
	if v, err := data.NormalizeFieldValue(data.FieldDef{Key: "size", Type: data.FieldList, Options: []string{"S", "M"}}, "m"); err != nil || v != "M" {
		t.Errorf("list value = %q, %v", v, err)
	}

	// A write refused for a custom value carries the same code per field.
	db := datatest.Open(t)
	ctx := context.Background()
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityCompany, Key: "seats", Label: "Seats", Type: data.FieldNumber}); err != nil {
		t.Fatal(err)
	}
	_, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Atelier", Custom: map[string]string{"seats": "many"}})
	v := data.FieldErrors(err)
	if v == nil || len(v.Fields) != 1 || v.Fields[0].Field != "custom.seats" || v.Fields[0].Code != data.FieldCodeNotNumber {
		t.Fatalf("create with a bad custom number: %v", err)
	}
}
