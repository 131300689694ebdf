package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"golang.org/x/term"
)

const adminUsage = `usage: qhatu admin create --email you@example.org [--role admin] [--name "Your Name"]

The password is read from standard input when it is not a terminal
(echo "$PASSWORD" | qhatu admin create --email …), otherwise asked for
twice without echo. At least 12 characters; there is no default password.`

// adminCommand runs "qhatu admin <sub>".
func adminCommand(ctx context.Context, args []string, stdin *os.File, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(adminUsage)
	}
	var email, roleName, name string
	cfg, _, err := parseConfig("admin create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email of the account (required)")
		fs.StringVar(&roleName, "role", string(models.RoleAdmin), "admin, staff, reseller, reviewer or customer")
		fs.StringVar(&name, "name", "", "name of the person")
	})
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, adminUsage)
		return nil
	}
	if err != nil {
		return err
	}
	if email == "" {
		return errors.New("--email is required\n" + adminUsage)
	}
	role, err := models.ParseRole(roleName)
	if err != nil {
		return err
	}
	password, err := readPassword(stdin, stderr)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return fmt.Errorf("cannot create the account: %s", invalidText(ve))
	}
	if err != nil {
		return err
	}
	store, _, closeStore, err := openStore(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := store.CreateUser(ctx, models.NewHasher(models.DefaultArgon2, 1),
		models.NewUser{Email: email, Name: name, Role: role, Password: password})
	switch {
	case errors.Is(err, models.ErrEmailTaken):
		return fmt.Errorf("an account with the email %s already exists", models.NormalizeEmail(email))
	case errors.As(err, &ve):
		return fmt.Errorf("cannot create the account: %s", invalidText(ve))
	case err != nil:
		return err
	}
	fmt.Fprintf(stderr, "created %s account %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}

// invalidText says in English what is wrong with each field, as the
// site's pages would.
func invalidText(ve *models.ValidationError) string {
	tr, err := handlers.NewTranslations()
	if err != nil {
		return ve.Error()
	}
	return tr.For("en").Invalid(ve)
}

// readPassword reads the new password: the first line of stdin when it is
// piped, or twice from the terminal without echo.
func readPassword(stdin *os.File, stderr io.Writer) (string, error) {
	fd := int(stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", errors.New("no password on standard input")
		}
		return line, models.ValidatePassword(line)
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	p1, err := ask(fmt.Sprintf("Password (at least %d characters): ", models.MinPasswordLen))
	if err != nil {
		return "", err
	}
	if err := models.ValidatePassword(p1); err != nil {
		return "", err
	}
	p2, err := ask("Same password again: ")
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", errors.New("the two passwords differ")
	}
	return p1, nil
}

// warnNoAdmin logs how to create the first admin when there is none.
func warnNoAdmin(ctx context.Context, store *models.Store, log *slog.Logger) {
	n, err := store.CountActiveAdmins(ctx)
	if err != nil {
		log.Warn("count admins", "err", err)
		return
	}
	if n == 0 {
		log.Warn("no admin user yet: create one with: qhatu admin create --email you@example.org")
	}
}

// deriveAccounts derives the account settings that depend on others.
func (c *config) deriveAccounts() {
	c.SecureCookies = c.secureCookies == "true" ||
		c.secureCookies == "auto" && strings.HasPrefix(c.BaseURL, "https://")
	if c.MailFrom == "" {
		host := "localhost"
		if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		c.MailFrom = "Qhatu <no-reply@" + host + ">"
	}
}

// mailer is SMTP when configured, otherwise the outbox table.
func (c *config) mailer(store *models.Store) (mailer.Sender, error) {
	return mailer.New(c.SMTPURL, c.MailFrom, store)
}
