package handlers

import (
	"errors"

	"github.com/ciap/qhatu/models"
)

// amountMessage is the message ID and arguments telling a person why the
// amount they typed was refused and what to write instead (the rules are
// models.ParseAmount's).
func amountMessage(err error) (string, []any) {
	var ae *models.AmountError
	if !errors.As(err, &ae) {
		return "amount." + string(models.AmountMalformed), []any{"Value", ""}
	}
	return "amount." + string(ae.Problem), []any{"Value", ae.Input, "Whole", ae.Whole}
}
