package ui

import (
	"encoding/json"
	"testing"

	"comptoir/data"
)

// Every code NormalizeFieldValue returns has a message of its own, with a
// French translation, rather than data's English text.
func TestCustomFieldMessagesAreTranslated(t *testing.T) {
	setupLanguage("en")
	b, err := translationFS.ReadFile("translation/fr.json")
	if err != nil {
		t.Fatal(err)
	}
	var fr map[string]string
	if err := json.Unmarshal(b, &fr); err != nil {
		t.Fatal(err)
	}
	defs := map[string]data.FieldDef{
		data.FieldCodeRequired:    {Key: "ref", Label: "Ref", Type: data.FieldText, Required: true},
		data.FieldCodeNotNumber:   {Key: "seats", Label: "Seats", Type: data.FieldNumber},
		data.FieldCodeNotDate:     {Key: "since", Label: "Since", Type: data.FieldDate},
		data.FieldCodeNotYesNo:    {Key: "vip", Label: "VIP", Type: data.FieldBool},
		data.FieldCodeNotAnOption: {Key: "size", Label: "Size", Type: data.FieldList},
		data.FieldCodeBadMoney:    {Key: "budget", Label: "Budget", Type: data.FieldMoney},
	}
	raw := map[string]string{data.FieldCodeRequired: "", data.FieldCodeNotNumber: "many", data.FieldCodeNotDate: "31/12",
		data.FieldCodeNotYesNo: "maybe", data.FieldCodeNotAnOption: "XL", data.FieldCodeBadMoney: "1.234 EUR"}
	for code, def := range defs {
		_, err := data.NormalizeFieldValue(def, raw[code])
		if err == nil {
			t.Fatalf("%s: no error", code)
		}
		msg := customFieldMessage(def, err)
		if msg == "" || msg == err.Error() || fr[msg] == "" || fr[msg] == msg {
			t.Errorf("%s: message %q (data said %q) has no French translation", code, msg, err)
		}
	}
	// A list names its options.
	def := data.FieldDef{Key: "size", Label: "Size", Type: data.FieldList, Options: []string{"S", "M"}}
	_, err = data.NormalizeFieldValue(def, "XL")
	if got := customFieldMessage(def, err); got != "Choose one of: S, M." {
		t.Errorf("list message %q", got)
	}
}
