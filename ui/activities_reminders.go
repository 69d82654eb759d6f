package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"comptoir/data"
)

// Reminders: while the app runs, every reminderEvery it asks the database
// for the current employee's activities whose reminder time has come and
// shows a system notification for each. An activity is marked reminded in
// the database before its notification is sent, so a reminder is shown once
// — not again at the next tick, in a second window, or after a restart.

// reminderEvery is how often reminders are checked.
const reminderEvery = 30 * time.Second

// startReminders checks now, then on a ticker until the app closes. It is
// called on the UI goroutine once the employee is known.
func startReminders(a *App) {
	me := a.Me.ID
	go func() {
		t := time.NewTicker(reminderEvery)
		defer t.Stop()
		for {
			if _, err := checkReminders(a.Ctx, a, me); err != nil && a.Ctx.Err() == nil {
				slog.Warn("reminders", "err", err)
			}
			select {
			case <-a.Ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// checkReminders sends the notifications that are due for employee me and
// returns how many it sent.
func checkReminders(ctx context.Context, a *App, me int64) (int, error) {
	due, err := a.Store.DueReminders(ctx, me, a.now())
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, act := range due {
		claimed, err := a.Store.MarkReminded(ctx, act.ID)
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue // another window or process showed it
		}
		a.notify(reminderNotification(act, a.Lang))
		sent++
	}
	return sent, nil
}

func reminderNotification(act data.Activity, language string) *fyne.Notification {
	title := activityKindLabel(act.Kind) + ": " + act.Subject
	body := formatDateTime(act.DueAt, language) + " · " + act.DealTitle
	return fyne.NewNotification(title, body)
}
