package main

import (
	_ "github.com/alexedwards/scs/v2"
	_ "github.com/glebarez/sqlite"
	_ "github.com/go-gormigrate/gormigrate/v2"
	_ "github.com/labstack/echo/v4"
	_ "github.com/nicksnyder/go-i18n/v2/i18n"
	_ "gorm.io/driver/postgres"
	_ "gorm.io/gorm"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/text/language"
	_ "github.com/stripe/stripe-go/v76"
)

func main() {}
