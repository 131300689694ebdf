package handlers

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
)

// Back-office forms are described once as field specs; the same spec
// renders the empty form, the form filled from a record, and the form
// re-rendered with what the editor typed and a message next to each wrong
// field. Values travel as url.Values both ways, so a typo such as "abc" in
// a number field is shown back exactly as typed.

// fieldSpec describes one input.
type fieldSpec struct {
	Name      string
	Label     string // message ID
	Hint      string // message ID, optional
	Type      string // text, textarea, number, select, checkbox
	Required  bool
	MaxLength int
	Min, Max  string
	Step      string
	Lang      string // the language of the text typed ("es", "en")
	Rows      int
	Options   func(l *Localizer) []formOption
}

// fieldsetSpec groups inputs under a legend (a message ID).
type fieldsetSpec struct {
	Legend string
	Fields []fieldSpec
}

// formField is one input as the template draws it.
type formField struct {
	ID, Name, Type, Label, Hint, Value, Error string
	Required                                  bool
	MaxLength                                 int
	Min, Max, Step, Lang                      string
	Rows                                      int
	Checked                                   bool
	Options                                   []formOption
}

type formOption struct {
	Value, Label string
	Selected     bool
}

type fieldset struct {
	Legend string
	Fields []formField
}

// buildForm fills the specs with values and translated errors.
func buildForm(l *Localizer, specs []fieldsetSpec, values url.Values, errs map[string]string) []fieldset {
	out := make([]fieldset, len(specs))
	for i, fs := range specs {
		out[i].Legend = l.T(fs.Legend)
		for _, sp := range fs.Fields {
			f := formField{ID: "f-" + strings.ReplaceAll(sp.Name, "_", "-"), Name: sp.Name, Type: sp.Type,
				Label: l.T(sp.Label), Value: values.Get(sp.Name), Error: errs[sp.Name], Required: sp.Required,
				MaxLength: sp.MaxLength, Min: sp.Min, Max: sp.Max, Step: sp.Step, Lang: sp.Lang, Rows: sp.Rows}
			if sp.Hint != "" {
				f.Hint = l.T(sp.Hint)
			}
			if sp.Type == "checkbox" {
				f.Checked = checked(f.Value)
			}
			if sp.Options != nil {
				for _, o := range sp.Options(l) {
					o.Selected = o.Value == f.Value
					f.Options = append(f.Options, o)
				}
			}
			out[i].Fields = append(out[i].Fields, f)
		}
	}
	return out
}

// specFields lists every field spec of a form.
func specFields(specs []fieldsetSpec) []fieldSpec {
	var out []fieldSpec
	for _, fs := range specs {
		out = append(out, fs.Fields...)
	}
	return out
}

// diffValues lists the fields where the saved record differs from what
// the editor typed, for the conflict explanation.
func diffValues(l *Localizer, specs []fieldsetSpec, saved, yours url.Values) []fieldDiff {
	var out []fieldDiff
	for _, sp := range specFields(specs) {
		a, b := strings.TrimSpace(saved.Get(sp.Name)), strings.TrimSpace(yours.Get(sp.Name))
		if sp.Type == "checkbox" {
			if checked(a) == checked(b) {
				continue
			}
			a, b = yesNo(l, checked(a)), yesNo(l, checked(b))
		} else if a == b {
			continue
		}
		if sp.Options != nil {
			for _, o := range sp.Options(l) {
				if o.Value == a {
					a = o.Label
				}
				if o.Value == b {
					b = o.Label
				}
			}
		}
		out = append(out, fieldDiff{Label: l.T(sp.Label), Saved: a, Yours: b})
	}
	return out
}

func yesNo(l *Localizer, b bool) string {
	if b {
		return l.T("admin.yes")
	}
	return l.T("admin.no")
}

func checked(v string) bool { return v == "on" || v == "1" || v == "true" }

// formValues copies the fields of specs from a posted form.
func formValues(posted url.Values, specs []fieldsetSpec) url.Values {
	v := url.Values{}
	for _, sp := range specFields(specs) {
		v.Set(sp.Name, posted.Get(sp.Name))
	}
	return v
}

// formReader parses posted values, collecting a translated message per
// field that is not what it should be.
type formReader struct {
	l    *Localizer
	v    url.Values
	errs map[string]string
}

func newFormReader(l *Localizer, v url.Values) *formReader {
	return &formReader{l: l, v: v, errs: map[string]string{}}
}

func (f *formReader) fail(field, id string, args ...any) {
	if _, ok := f.errs[field]; !ok {
		f.errs[field] = f.l.T(id, args...)
	}
}

func (f *formReader) str(name string) string { return strings.TrimSpace(f.v.Get(name)) }

// maxNote is the longest note staff may attach to an action.
const maxNote = 500

// note reads an optional note, refusing one longer than maxNote.
func (f *formReader) note(name string) string {
	v := f.str(name)
	if len([]rune(v)) > maxNote {
		f.fail(name, "admin.error.too_long", "Max", maxNote)
	}
	return v
}

// integer reads a whole number; empty is 0 when optional.
func (f *formReader) integer(name string, required bool) int {
	s := f.str(name)
	if s == "" {
		if required {
			f.fail(name, "admin.error.required")
		}
		return 0
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
	if err != nil || n > 1_000_000_000 || n < -1_000_000_000 {
		f.fail(name, "admin.error.integer")
		return 0
	}
	return n
}

// id reads a record ID from a select.
func (f *formReader) id(name string) int64 {
	n, err := strconv.ParseInt(f.str(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// amount reads soles ("12.50", "12,50") as céntimos.
func (f *formReader) amount(name string) int64 {
	s := f.str(name)
	if s == "" {
		f.fail(name, "admin.error.required")
		return 0
	}
	a, err := models.ParseAmount(s)
	if err != nil {
		id, args := amountMessage(err)
		f.fail(name, id, args...)
		return 0
	}
	return a
}

func (f *formReader) checkbox(name string) bool { return checked(f.v.Get(name)) }

// merge adds the model's problems (translated) to the parse messages;
// the parse message wins for a field that has both.
func (f *formReader) merge(err error) map[string]string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		for k, fe := range ve.Fields {
			if _, ok := f.errs[k]; !ok {
				f.errs[k] = fieldMessage(f.l, fe)
			}
		}
	}
	return f.errs
}

// fieldMessage is a model's problem with a field in the reader's
// language: the message admin.error.<code>, filled with its arguments
// (amounts written as the language writes soles).
func fieldMessage(l *Localizer, fe models.FieldError) string {
	args := make([]any, 0, 2*len(fe.Args))
	for name, v := range fe.Args {
		if m, ok := v.(models.Money); ok {
			v = l.Money(m)
		}
		args = append(args, name, v)
	}
	return l.T("admin.error."+string(fe.Code), args...)
}

// validationOf is err, or an empty ValidationError when the model found
// nothing more than the parse errors already collected.
func validationOf(err error) error {
	if err == nil {
		return &models.ValidationError{}
	}
	return err
}

// ---- choices ----

func regionOptions(l *Localizer) []formOption {
	out := []formOption{{Value: "", Label: l.T("admin.choose")}}
	for _, r := range models.Regions {
		out = append(out, formOption{Value: string(r), Label: l.Region(r)})
	}
	return out
}

func craftOptions(l *Localizer) []formOption {
	out := []formOption{{Value: "", Label: l.T("admin.choose")}}
	for _, c := range models.Crafts {
		out = append(out, formOption{Value: string(c), Label: l.Craft(c)})
	}
	return out
}

func cadenceOptions(l *Localizer) []formOption {
	return []formOption{{Value: "", Label: l.T("admin.choose")},
		{Value: models.CadenceWeekly, Label: l.T("group.cadence.weekly")},
		{Value: models.CadenceMonthly, Label: l.T("group.cadence.monthly")}}
}
