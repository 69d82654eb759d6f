package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os/signal"
	"sync"
	"syscall"
)

func syncCommand() *command {
	return &command{
		name:    "sync",
		usage:   "[--once] [--db PATH]",
		summary: "fetch client mail of every account into deals: once, or until interrupted (IDLE or polling)",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			once := fs.Bool("once", false, "one full sync of every account, then exit (0 when it succeeded)")
			verbose := fs.Bool("v", false, "log progress to standard error")
			return func(env *Env) error {
				if len(env.Args) != 0 {
					return usagef("sync takes no arguments")
				}
				svc, err := env.open("")
				if err != nil {
					return err
				}
				svc.Level.Set(slog.LevelWarn)
				if *verbose || !*once {
					svc.Level.Set(slog.LevelInfo)
				}
				if *once {
					return syncOnce(env, svc)
				}
				ctx, stop := signal.NotifyContext(env.Ctx, syscall.SIGTERM)
				defer stop()
				return runSync(ctx, svc)
			}
		},
	}
}

// syncOnce fetches every account's new mail once, then sends what the
// outbox holds, and prints what was done. It runs the mail workers, and
// reads the accounts as they do (no employee acts).
func syncOnce(env *Env, svc *Services) error {
	accs, err := svc.Store.WorkerAccounts(env.Ctx)
	if err != nil {
		return err
	}
	active := 0
	for _, a := range accs {
		if a.Active {
			active++
		}
	}
	if active == 0 {
		fmt.Fprintln(env.Stderr, "comptoir sync: no active mail account; add one with `comptoir account add`")
	}
	stats, syncErr := svc.Syncer.SyncOnce(env.Ctx)
	var errs []error
	if syncErr != nil {
		errs = append(errs, syncErr)
	}
	sent, err := svc.Sender.DrainOnce(env.Ctx)
	slog.Info("outbox", "sent", sent.Sent, "retried", sent.Retried, "failed", sent.Failed, "unknown", sent.Unknown,
		"copied", sent.Copied, "found_in_sent", sent.FoundInSent)
	if err != nil {
		errs = append(errs, fmt.Errorf("outbox: %w", err))
	}
	fmt.Fprintf(env.Stdout, "synced %d account(s): %d message(s) fetched, %d stored, %d duplicate(s), %d new deal(s)\n",
		active, stats.Fetched, stats.Stored, stats.Duplicates, stats.NewDeals)
	return errors.Join(errs...)
}

// runSync keeps every account in sync and the outbox sent until ctx ends.
func runSync(ctx context.Context, svc *Services) error {
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		errs <- svc.Syncer.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		if err := svc.Sender.Run(ctx); err != nil && ctx.Err() == nil {
			errs <- fmt.Errorf("outbox: %w", err)
		}
	}()
	slog.Info("mail sync running; interrupt to stop")
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}
