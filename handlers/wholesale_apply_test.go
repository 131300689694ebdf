package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// applicationForm is a correct application (SUNAT's own RUC).
func applicationForm() url.Values {
	return url.Values{"business_name": {"Artesanías Wari SAC"}, "ruc": {"20131312955"},
		"address": {"Jr. Huancavelica 123, Lima"}, "market": {"Mercado Indio, puesto 42"}, "phone": {"+51 987 654 321"}}
}

// applied signs in a new customer, in lang, who sends a correct
// application; it returns the client, the user and the application.
func applied(t *testing.T, ts *testServer, lang string) (*testClient, *models.User, *models.ResellerApplication) {
	t.Helper()
	c, u := ts.signInAs(t, models.RoleCustomer)
	c.Get("/wholesale/apply?lang=" + lang)
	if res := c.PostForm("/wholesale/apply", applicationForm()); res.Status != http.StatusSeeOther || res.Location() != "/wholesale/apply" {
		t.Fatalf("apply: %d %q: %.300s", res.Status, res.Location(), res.Body)
	}
	a, err := ts.Store.LatestApplication(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, u, a
}

// decide posts staff's decision from an application's page.
func decide(c *testClient, a *models.ResellerApplication, verb, message string) *testResponse {
	return c.PostForm("/admin/resellers/"+strconv.FormatInt(a.ID, 10)+"/"+verb,
		url.Values{"lock_version": {strconv.FormatInt(a.Version, 10)}, "message": {message}})
}

func (ts *testServer) application(t *testing.T, id int64) *models.ResellerApplication {
	t.Helper()
	a, err := ts.Store.ApplicationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (ts *testServer) auditCount(t *testing.T, entity, action string, id int64) int64 {
	t.Helper()
	p, err := ts.Store.ListAudit(context.Background(), models.AuditFilter{EntityType: entity, EntityID: id, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

func TestWholesaleApply_VisitorSignsUpFirstAndComesBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		c := ts.client(t)
		res := c.Get("/wholesale/apply")
		next := url.QueryEscape("/wholesale/apply")
		if res.Status != http.StatusSeeOther || res.Location() != "/signin?next="+next {
			t.Fatalf("visitor: %d %q", res.Status, res.Location())
		}
		// html/template writes the escapes in lower case.
		if res = c.Get(res.Location()); !strings.Contains(res.Body, `href="/signup?next=`+strings.ToLower(next)+`"`) {
			t.Fatal("the sign-in page does not offer to sign up and come back")
		}
		if res = c.Get("/signup?next=" + next); !strings.Contains(res.Body, `name="next" value="/wholesale/apply"`) {
			t.Fatal("the sign-up form does not keep where to come back to")
		}
		res = c.PostForm("/signup", url.Values{"email": {"puesto42@example.org"}, "name": {"Rosa"},
			"password": {testPassword}, "next": {"/wholesale/apply"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/wholesale/apply" {
			t.Fatalf("sign up: %d %q", res.Status, res.Location())
		}
		if res = c.Get("/wholesale/apply"); res.Status != http.StatusOK || !strings.Contains(res.Body, `name="ruc"`) {
			t.Fatalf("the new customer gets no form: %d", res.Status)
		}
		checkPage(t, "application form", res)
		if res = c.Get("/account"); !strings.Contains(res.Body, `<a href="/wholesale/apply">`) {
			t.Error("the account page has no link to the application")
		}
		checkPage(t, "account page", res)
		// Every page links to the application.
		if res = ts.client(t).Get("/?lang=en"); !strings.Contains(res.Body, `<a href="/wholesale/apply">Wholesale for resellers</a>`) {
			t.Error("the footer has no link to the application")
		}
	})
}

func TestWholesaleApply_WrongRUCIsRefusedInBothLanguages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		for _, tc := range []struct{ lang, ruc, want string }{
			{"en", "20131312954", "SUNAT&#39;s check digit) does not match"},
			{"es", "20131312954", "dígito verificador de SUNAT) no corresponde"},
			{"en", "30131312951", "A RUC starts with 10, 15, 17 or 20"},
			{"es", "2013131295", "Un RUC tiene exactamente 11 dígitos"},
			{"en", "2013131295X", "A RUC has exactly 11 digits"},
		} {
			c, u := ts.signInAs(t, models.RoleCustomer)
			c.Get("/wholesale/apply?lang=" + tc.lang)
			f := applicationForm()
			f.Set("ruc", tc.ruc)
			f.Set("business_name", "Tienda <b>Wari</b>")
			res := c.PostForm("/wholesale/apply", f)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, tc.want) {
				t.Errorf("%s %s: %d, want 400 with %q", tc.lang, tc.ruc, res.Status, tc.want)
			}
			// The form is shown again as typed, escaped.
			if !strings.Contains(res.Body, `value="`+tc.ruc+`"`) || !strings.Contains(res.Body, "Tienda &lt;b&gt;Wari&lt;/b&gt;") ||
				!strings.Contains(res.Body, `aria-invalid="true"`) {
				t.Errorf("%s %s: the form is not shown back as typed", tc.lang, tc.ruc)
			}
			checkPage(t, "refused application", res)
			if _, err := ts.Store.LatestApplication(context.Background(), u.ID); err == nil {
				t.Errorf("%s %s: an application was stored", tc.lang, tc.ruc)
			}
		}
	})
}

func TestWholesaleApply_OnePendingApplicationPerAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		c, _, a := applied(t, ts, "en")
		if a.Status != models.ApplicationPending || a.Lang != "en" || a.RUC != "20131312955" {
			t.Fatalf("stored %+v", a)
		}
		res := c.Get("/wholesale/apply")
		if !strings.Contains(res.Body, "Pending review") || strings.Contains(res.Body, `name="ruc"`) ||
			!strings.Contains(res.Body, "your application was sent") {
			t.Fatalf("pending page: %.2000s", res.Body)
		}
		checkPage(t, "pending application", res)
		res = c.PostForm("/wholesale/apply", applicationForm())
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "You already have an application pending") {
			t.Fatalf("second application: %d", res.Status)
		}
		if res = c.Get("/account"); !strings.Contains(res.Body, "Your wholesale application: Pending review.") {
			t.Error("the account page does not show the application")
		}
		var n int64
		db.Model(&models.ResellerApplication{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d applications", n)
		}
		// Staff, reviewers and resellers cannot apply; staff are told why.
		staff, _ := ts.signInAs(t, models.RoleStaff)
		if res = staff.Get("/wholesale/apply?lang=en"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Only customer accounts apply") ||
			strings.Contains(res.Body, `name="ruc"`) {
			t.Errorf("staff page: %d", res.Status)
		}
		if res = staff.PostForm("/wholesale/apply", applicationForm()); res.Status != http.StatusForbidden {
			t.Errorf("staff applies: %d", res.Status)
		}
		reseller, _ := ts.signInAs(t, models.RoleReseller)
		if res = reseller.Get("/wholesale/apply"); res.Status != http.StatusSeeOther || res.Location() != "/wholesale" {
			t.Errorf("reseller: %d %q", res.Status, res.Location())
		}
	})
}

func TestAdminResellers_ApprovalMakesAResellerAuditedAndMailed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		applicant, u, a := applied(t, ts, "es")
		staff, su := ts.signInAs(t, models.RoleStaff)
		res := staff.Get("/admin/resellers?lang=en")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Artesanías Wari SAC") || !strings.Contains(res.Body, u.Email) {
			t.Fatalf("pending list: %d", res.Status)
		}
		checkPage(t, "applications list", res)
		if res = staff.Get("/admin/resellers?status=approved"); strings.Contains(res.Body, "Artesanías Wari SAC") {
			t.Error("the approved filter lists a pending application")
		}
		if res = staff.Get("/admin/resellers?status=nonsense"); res.Status != http.StatusBadRequest {
			t.Errorf("unknown status filter: %d", res.Status)
		}
		if res = staff.Get("/admin"); !strings.Contains(res.Body, `<a href="/admin/resellers?status=pending"><span class="stat-number">1</span>`) {
			t.Error("the dashboard does not count the pending application")
		}
		path := "/admin/resellers/" + strconv.FormatInt(a.ID, 10)
		if res = staff.Get(path); res.Status != http.StatusOK || !strings.Contains(res.Body, "20131312955") ||
			!strings.Contains(res.Body, path+"/approve") || !strings.Contains(res.Body, path+"/reject") {
			t.Fatalf("detail: %d", res.Status)
		}
		checkPage(t, "application page", res)
		res = decide(staff, a, "approve", "Bienvenida")
		if res.Status != http.StatusSeeOther || res.Location() != path {
			t.Fatalf("approve: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		if res = staff.Get(path); !strings.Contains(res.Body, "Artesanías Wari SAC approved") || strings.Contains(res.Body, path+"/approve") {
			t.Error("the decided application still offers a decision, or no notice")
		}
		got, _ := ts.Store.UserByID(context.Background(), u.ID)
		if got.Role != models.RoleReseller {
			t.Fatalf("role after approval: %s", got.Role)
		}
		if ts.auditCount(t, models.EntityResellerApplication, models.ActionApprove, a.ID) != 1 ||
			ts.auditCount(t, models.EntityUser, models.ActionRole, u.ID) != 1 {
			t.Fatal("approval without its audit entries")
		}
		p, _ := ts.Store.ListAudit(context.Background(), models.AuditFilter{EntityType: models.EntityResellerApplication, EntityID: a.ID})
		if p.Items[0].Actor != su.Email {
			t.Errorf("audit actor %q", p.Items[0].Actor)
		}
		// The audit log tells the decision in words, and links to it.
		res = staff.Get("/admin/audit/" + strconv.FormatInt(p.Items[0].ID, 10) + "?lang=en")
		for _, want := range []string{"Wholesale application", "Pending review", "Approved", "Message to the applicant", `href="` + path + `"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("audit entry page lacks %q", want)
			}
		}
		checkPage(t, "audit entry", res)
		ts.RunJobs(t)
		mails := ts.Mail.To(u.Email)
		if len(mails) != 1 || mails[0].Subject != "Tu cuenta mayorista está abierta (Artesanías Wari SAC)" ||
			!strings.Contains(mails[0].Body, "Bienvenida") || !strings.Contains(mails[0].Body, "https://qhatu.test/wholesale") {
			t.Fatalf("mails to the applicant (in Spanish): %+v", mails)
		}
		// The role change ended the applicant's session; signed in again,
		// they are sent on to the wholesale area.
		if res = applicant.Get("/wholesale/apply"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
			t.Fatalf("old session after approval: %d %q", res.Status, res.Location())
		}
		applicant.signIn(u.Email, testPassword)
		if res = applicant.Get("/wholesale/apply"); res.Status != http.StatusSeeOther || res.Location() != "/wholesale" {
			t.Fatalf("approved reseller: %d %q", res.Status, res.Location())
		}
		if res = applicant.Get("/wholesale"); res.Status != http.StatusOK {
			t.Fatalf("the new reseller's wholesale grid: %d", res.Status)
		}
		// A second decision from the same (now old) page changes nothing.
		other, _ := ts.signInAs(t, models.RoleAdmin)
		other.Get("/admin/resellers?lang=en")
		res = decide(other, a, "reject", "No")
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, su.Email+" already decided this application (Approved)") {
			t.Fatalf("second decision: %d", res.Status)
		}
		if ts.application(t, a.ID).Status != models.ApplicationApproved {
			t.Fatal("the second decision changed the application")
		}
	})
}

func TestAdminResellers_RejectionNeedsAMessageAndTheApplicantMayApplyAgain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		applicant, u, a := applied(t, ts, "en")
		staff, _ := ts.signInAs(t, models.RoleStaff)
		staff.Get("/admin/resellers?lang=en")
		res := decide(staff, a, "reject", "   ")
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Fill in this field.") {
			t.Fatalf("reject without a message: %d", res.Status)
		}
		checkPage(t, "refused rejection", res)
		if ts.application(t, a.ID).Status != models.ApplicationPending {
			t.Fatal("refused rejection changed the application")
		}
		const why = "The RUC belongs to another business: send the RUC of your own."
		if res = decide(staff, a, "reject", why); res.Status != http.StatusSeeOther {
			t.Fatalf("reject: %d %.300s", res.Status, res.Body)
		}
		if got, _ := ts.Store.UserByID(context.Background(), u.ID); got.Role != models.RoleCustomer {
			t.Fatalf("rejected applicant is %s", got.Role)
		}
		if ts.auditCount(t, models.EntityResellerApplication, models.ActionReject, a.ID) != 1 {
			t.Fatal("rejection without its audit entry")
		}
		ts.RunJobs(t)
		mails := ts.Mail.To(u.Email)
		if len(mails) != 1 || mails[0].Subject != "Your wholesale application (Artesanías Wari SAC)" ||
			!strings.Contains(mails[0].Body, why) || !strings.Contains(mails[0].Body, "https://qhatu.test/wholesale/apply") {
			t.Fatalf("mails to the applicant: %+v", mails)
		}
		// The applicant reads staff's message and applies again from the
		// form filled with what they sent.
		res = applicant.Get("/wholesale/apply")
		if !strings.Contains(res.Body, "Not approved") || !strings.Contains(res.Body, why) ||
			!strings.Contains(res.Body, `value="Artesanías Wari SAC"`) || !strings.Contains(res.Body, "Apply again") {
			t.Fatalf("rejected page: %.2000s", res.Body)
		}
		checkPage(t, "rejected application", res)
		f := applicationForm()
		f.Set("ruc", "10467823456")
		if res = applicant.PostForm("/wholesale/apply", f); res.Status != http.StatusSeeOther {
			t.Fatalf("apply again: %d", res.Status)
		}
		again, _ := ts.Store.LatestApplication(context.Background(), u.ID)
		if again.ID == a.ID || again.Status != models.ApplicationPending || again.RUC != "10467823456" {
			t.Fatalf("second application %+v", again)
		}
	})
}

func TestAdminResellers_ReviewersReadOnlyAndCSRFRequired(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		_, u, a := applied(t, ts, "en")
		path := "/admin/resellers/" + strconv.FormatInt(a.ID, 10)
		reviewer, _ := ts.signInAs(t, models.RoleReviewer)
		res := reviewer.Get(path + "?lang=en")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "20131312955") || strings.Contains(res.Body, path+"/approve") {
			t.Fatalf("reviewer reads: %d", res.Status)
		}
		checkPage(t, "application page (reviewer)", res)
		if res = decide(reviewer, a, "approve", ""); res.Status != http.StatusForbidden {
			t.Fatalf("reviewer approves: %d", res.Status)
		}
		customer, _ := ts.signInAs(t, models.RoleCustomer)
		if res = customer.Get(path); res.Status != http.StatusForbidden {
			t.Fatalf("customer reads: %d", res.Status)
		}
		staff, _ := ts.signInAs(t, models.RoleStaff)
		form := url.Values{"lock_version": {"1"}}
		if res = staff.PostRaw(path+"/approve", form); res.Status != http.StatusForbidden {
			t.Fatalf("approve without a CSRF token: %d", res.Status)
		}
		form.Set("_csrf", "forged")
		if res = staff.PostRaw(path+"/approve", form); res.Status != http.StatusForbidden {
			t.Fatalf("approve with a wrong CSRF token: %d", res.Status)
		}
		if res = customer.PostRaw("/wholesale/apply", applicationForm()); res.Status != http.StatusForbidden {
			t.Fatalf("apply without a CSRF token: %d", res.Status)
		}
		got, _ := ts.Store.UserByID(context.Background(), u.ID)
		if got.Role != models.RoleCustomer || ts.application(t, a.ID).Status != models.ApplicationPending {
			t.Fatal("a refused request changed something")
		}
		if ts.auditCount(t, models.EntityResellerApplication, "", a.ID) != 0 {
			t.Fatal("a refused request wrote an audit entry")
		}
		// An applicant made staff since applying keeps that role.
		if _, _, err := ts.Store.Editor("admin@example.org").UpdateUser(context.Background(), models.UserChange{ID: u.ID,
			Version: got.Version, Role: models.RoleStaff, Active: true}); err != nil {
			t.Fatal(err)
		}
		staff.Get(path + "?lang=en")
		if res = decide(staff, a, "approve", ""); res.Status != http.StatusConflict || !strings.Contains(res.Body, "the applicant&#39;s account is now CIAP staff") {
			t.Fatalf("approve a staff member: %d", res.Status)
		}
		if got, _ = ts.Store.UserByID(context.Background(), u.ID); got.Role != models.RoleStaff || ts.application(t, a.ID).Status != models.ApplicationPending {
			t.Fatal("the refused approval changed something")
		}
	})
}
