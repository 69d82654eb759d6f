package send

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/secret"
)

// childEnv makes the test binary a sender child (see TestMain): the value
// is the database path and the secrets folder, separated by a newline.
const childEnv = "COMPTOIR_SEND_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(runChild(v))
	}
	os.Exit(m.Run())
}

// runChild drains the outbox of a database once, as `comptoir sync` would,
// in a process of its own that the test kills.
func runChild(v string) int {
	path, secrets, _ := strings.Cut(v, "\n")
	ctx := context.Background()
	st, err := data.Open(ctx, path, data.OpenOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	defer st.Close()
	s := New(st, Options{Secrets: secret.NewFile(secrets), Logger: quietLogger(), Timeout: 10 * time.Second})
	if _, err := s.DrainOnce(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// TestKilledSenderSendsNothingTwice: a sender process draining a few
// hundred emails is killed (SIGKILL) at random moments of its sending,
// several times, and started again each time. In the end every email is
// delivered exactly once, except at most one per kill whose fate the
// killed sender could not learn: that one is unknown (delivered once or not
// at all, never twice), and no email that was never handed over is among
// them — it went back to the queue and was delivered.
func TestKilledSenderSendsNothingTwice(t *testing.T) {
	t.Parallel()
	const n, kills = 300, 8
	f := newFixture(t, memIMAP(t), true)
	secrets := t.TempDir()
	if err := secret.NewFile(secrets).Set(f.acc.IMAPSecretKey(), f.imap.Password()); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{} // Message-ID → outbox id
	for i := range n {
		it := f.queue(t, data.ComposeInput{Subject: fmt.Sprintf("Offer %d", i), Text: "The prices we discussed."})
		ids[it.MessageID] = it.ID
	}
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+f.db.Path+"\n"+secrets)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	killed := 0
	for range kills {
		before := len(f.smtp.Messages())
		if before == n {
			break
		}
		cmd := child()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Once it has begun sending, kill it within a few milliseconds: in
		// the middle of an SMTP exchange, of a transaction, anywhere.
		deadline := time.Now().Add(30 * time.Second)
		ended := false
		for len(f.smtp.Messages()) == before && time.Now().Before(deadline) && !ended {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("sender: %v", err)
				}
				ended = true // it had nothing left to send
			case <-time.After(200 * time.Microsecond):
			}
		}
		if ended {
			break
		}
		time.Sleep(time.Duration(rand.IntN(8000)) * time.Microsecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		if err := <-done; err != nil {
			killed++ // killed before it finished
		}
	}
	if killed < kills/2 {
		t.Fatalf("only %d of %d senders were killed while sending: the test proves little", killed, kills)
	}
	// A last sender, left to finish.
	cmd := child()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("last sender: %v", err)
	}

	delivered := map[string]int{}
	for _, m := range f.smtp.Messages() {
		delivered[strings.Trim(header(m.Data, "Message-ID"), "<>")]++
	}
	unknown := 0
	for mid, id := range ids {
		it := f.item(t, id)
		switch {
		case delivered[mid] > 1:
			t.Errorf("email %d delivered %d times", id, delivered[mid])
		case it.State == data.OutUnknown:
			unknown++
		case it.State != data.OutSent:
			t.Errorf("email %d is %s (%s), delivered %d times", id, it.State, it.LastError, delivered[mid])
		case delivered[mid] != 1:
			t.Errorf("email %d is sent but was delivered %d times", id, delivered[mid])
		}
	}
	if unknown > killed {
		t.Errorf("%d emails are unknown after %d kills: at most one per kill may be", unknown, killed)
	}
	t.Logf("%d kills while sending, %d emails unknown, %d delivered", killed, unknown, len(delivered))
	if len(delivered) < n-unknown {
		t.Errorf("%d of %d emails delivered", len(delivered), n)
	}
}
