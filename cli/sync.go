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

	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
)

// SyncWorker is a background job `comptoir sync` runs beside the IMAP sync
// until interrupted (the outbox sender registers one). once is true for
// `sync --once`: the worker does one pass and returns.
type SyncWorker struct {
	Name string
	Run  func(ctx context.Context, st *data.Store, secrets secret.Store, log *slog.Logger, once bool) error
}

var (
	workersMu   sync.Mutex
	syncWorkers []SyncWorker
)

// addSyncWorker registers a worker for `comptoir sync`; call it from init.
func addSyncWorker(w SyncWorker) {
	workersMu.Lock()
	defer workersMu.Unlock()
	syncWorkers = append(syncWorkers, w)
}

func init() {
	register(&command{
		name:    "sync",
		usage:   "[--once] [--db PATH]",
		summary: "fetch client mail of every account into deals: once, or until interrupted (IDLE or polling)",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			var db dbFlags
			db.declare(fs)
			once := fs.Bool("once", false, "one full sync of every account, then exit (0 when it succeeded)")
			verbose := fs.Bool("v", false, "log progress to standard error")
			return func(env *Env) error {
				if len(env.Args) != 0 {
					return usagef("sync takes no arguments")
				}
				level := slog.LevelWarn
				if *verbose || !*once {
					level = slog.LevelInfo
				}
				log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
				st, err := db.open(env.Ctx)
				if err != nil {
					return err
				}
				defer st.Close()
				sec, err := db.secrets()
				if err != nil {
					return err
				}
				syncer := imapsync.New(st, imapsync.Options{Secrets: sec, Logger: log})
				workersMu.Lock()
				workers := append([]SyncWorker(nil), syncWorkers...)
				workersMu.Unlock()
				if *once {
					return syncOnce(env, st, sec, syncer, workers, log)
				}
				ctx, stop := signal.NotifyContext(env.Ctx, syscall.SIGTERM)
				defer stop()
				return runSync(ctx, st, sec, syncer, workers, log)
			}
		},
	})
}

func syncOnce(env *Env, st *data.Store, sec secret.Store, syncer *imapsync.Syncer, workers []SyncWorker, log *slog.Logger) error {
	accs, err := st.Accounts(env.Ctx)
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
	stats, syncErr := syncer.SyncOnce(env.Ctx)
	var errs []error
	if syncErr != nil {
		errs = append(errs, syncErr)
	}
	for _, w := range workers {
		if err := w.Run(env.Ctx, st, sec, log, true); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", w.Name, err))
		}
	}
	fmt.Fprintf(env.Stdout, "synced %d account(s): %d message(s) fetched, %d stored, %d duplicate(s), %d new deal(s)\n",
		active, stats.Fetched, stats.Stored, stats.Duplicates, stats.NewDeals)
	return errors.Join(errs...)
}

func runSync(ctx context.Context, st *data.Store, sec secret.Store, syncer *imapsync.Syncer, workers []SyncWorker, log *slog.Logger) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(workers)+1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs <- syncer.Run(ctx)
	}()
	for _, w := range workers {
		wg.Add(1)
		go func(w SyncWorker) {
			defer wg.Done()
			if err := w.Run(ctx, st, sec, log, false); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("%s: %w", w.Name, err)
			}
		}(w)
	}
	log.Info("mail sync running; interrupt to stop")
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
