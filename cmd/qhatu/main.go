// Command qhatu runs the CIAP fair-trade shop.
//
//	qhatu [serve]   serve the shop (migrates, and seeds the demo catalog on an empty database)
//	qhatu migrate   apply database migrations and exit
//	qhatu seed      load the demo catalog into an empty database and exit
//	qhatu worker    work background jobs (fulfillment, mail) without serving HTTP
//	qhatu ledger    verify the surplus ledger's chain (or an export of it), or export it
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "qhatu:", err)
		os.Exit(1)
	}
}
