package formats

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"comptoir/data"
)

// Activities are exported to calendars as VEVENTs, not VTODOs: phone and
// desktop calendars (Google, Apple, Outlook, Android) import events from an
// .ics file and ignore or drop to-dos, and an activity has a time at which
// it happens. A done activity stays an event (so a second import updates the
// one already there rather than leaving a stale one) with its summary ticked
// and its result in the description; RFC 5545 allows COMPLETED and
// STATUS:COMPLETED on to-dos only, so neither is written on an event.

// ActivityUID is an activity's UID in calendars: the same on every export,
// so importing again updates the event instead of adding a second one.
func ActivityUID(id int64) string { return fmt.Sprintf("activity-%d@comptoir", id) }

// ActivityLength is how long an activity's calendar event lasts.
func ActivityLength(k data.ActivityKind) time.Duration {
	switch k {
	case data.ActivityCall:
		return 15 * time.Minute
	case data.ActivityMeeting:
		return time.Hour
	}
	return 30 * time.Minute
}

// ICalOptions shape an export.
type ICalOptions struct {
	// Stamp is the DTSTAMP of every event: the export's time.
	Stamp time.Time
	// Name is the calendar's display name (X-WR-CALNAME); "" for none.
	Name string
	// Labels translate the words written in descriptions.
	Labels ICalLabels
}

// ICalLabels are the words of an event's description.
type ICalLabels struct {
	Deal   string // "Deal"
	Client string // "Client"
	Done   string // "Done"
	Result string // "Result"
}

func (l ICalLabels) orDefault() ICalLabels {
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	return ICalLabels{Deal: def(l.Deal, "Deal"), Client: def(l.Client, "Client"), Done: def(l.Done, "Done"), Result: def(l.Result, "Result")}
}

// WriteICalendar writes the activities as an iCalendar (RFC 5545) file: one
// VEVENT per activity with a stable UID, start and end in UTC, the subject,
// the deal and client in the description, and, for an open activity with a
// reminder, a display alarm at the reminder time. Lines are folded at 75
// octets and text is escaped by the iCalendar library.
func WriteICalendar(w io.Writer, acts []data.CalendarActivity, opt ICalOptions) error {
	labels := opt.Labels.orDefault()
	stamp := opt.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	cal := ics.NewCalendarFor("Comptoir")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	if opt.Name != "" {
		cal.SetXWRCalName(oneLine(opt.Name))
	}
	for _, a := range acts {
		ev := cal.AddEvent(ActivityUID(a.ID))
		ev.SetDtStampTime(stamp.UTC())
		ev.SetCreatedTime(a.CreatedAt.UTC())
		ev.SetStartAt(a.DueAt.UTC())
		ev.SetEndAt(a.DueAt.UTC().Add(ActivityLength(a.Kind)))
		summary := oneLine(a.Subject)
		if a.Done() {
			summary = "✓ " + summary
		}
		ev.SetSummary(summary)
		var desc []string
		desc = append(desc, labels.Deal+": "+oneLine(a.DealTitle))
		if a.Client != "" {
			desc = append(desc, labels.Client+": "+oneLine(a.Client))
		}
		if a.Done() {
			desc = append(desc, labels.Done+": "+a.DoneAt.UTC().Format("2006-01-02 15:04")+" UTC")
			if r := strings.TrimSpace(a.Result); r != "" {
				desc = append(desc, labels.Result+": "+normalizeNewlines(r))
			}
		}
		ev.SetDescription(strings.Join(desc, "\n"))
		ev.SetStatus(ics.ObjectStatusConfirmed)
		ev.AddCategory(strings.ToUpper(string(a.Kind)))
		if !a.Done() && !a.RemindAt.IsZero() && !a.RemindAt.After(a.DueAt) {
			al := ev.AddAlarm()
			al.SetAction(ics.ActionDisplay)
			al.SetTrigger(icalBefore(a.DueAt.Sub(a.RemindAt)))
			al.SetDescription(summary)
		}
	}
	if err := cal.SerializeTo(w, ics.WithNewLine("\r\n")); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}

// icalBefore is a negative iCalendar duration: -PT15M, -PT1H30M, -PT0S.
func icalBefore(d time.Duration) string {
	d = d.Round(time.Second)
	var b strings.Builder
	b.WriteString("-PT")
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s > 0 || (h == 0 && m == 0) {
		fmt.Fprintf(&b, "%dS", s)
	}
	return b.String()
}

// oneLine folds a value onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normalizeNewlines keeps only \n line breaks, which the library escapes; a
// lone \r would break the file's lines.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
