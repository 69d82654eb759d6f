package mailtest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// DovecotBinary is where the Debian package dovecot-core installs the
// server. If it is absent, dovecot is looked up in PATH.
const DovecotBinary = "/usr/sbin/dovecot"

// Test credentials of the single Dovecot user.
const (
	dovecotUser     = "comptoir"
	dovecotPassword = "comptoir-test-password"
)

// Dovecot is a real Dovecot IMAP server run by the test on a free port of
// 127.0.0.1, with its configuration, sockets, logs and Maildir under a
// temporary directory. It accepts LOGIN in plaintext (ssl = no) for one user
// and uses "/" as the hierarchy separator, like IMAPServer.
type Dovecot struct {
	bin      string
	dir      string // root of everything the instance writes
	conf     string
	port     int
	maildir  string // the user's INBOX; other mailboxes are .Name below it
	uid, gid int    // owner of mail files, or -1 to keep the current user

	seq atomic.Int64 // Maildir delivery counter

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{} // closed when cmd has exited
}

// StartDovecot starts Dovecot (dovecot -F) as a child process and waits until
// it greets on its port. It is stopped when the test ends.
//
// If Dovecot is not installed the test is skipped, unless the environment
// variable CI is "true": continuous integration must run these tests, so
// there it is a failure.
func StartDovecot(t testing.TB) *Dovecot {
	t.Helper()

	bin := DovecotBinary
	if _, err := os.Stat(bin); err != nil {
		p, lerr := exec.LookPath("dovecot")
		if lerr != nil {
			msg := "mailtest: Dovecot is not installed (" + DovecotBinary + " missing); install the Debian package dovecot-imapd, or run ./scripts/test.sh which installs it"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		bin = p
	}
	version, err := dovecotVersion(bin)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	// Not t.TempDir(): Dovecot's unprivileged login and internal users must
	// be able to traverse the directory when the test runs as root, and the
	// test directories are private (0700).
	dir, err := os.MkdirTemp("", "comptoir-dovecot-")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	acct, err := dovecotAccounts()
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	d := &Dovecot{
		bin:     bin,
		dir:     dir,
		conf:    filepath.Join(dir, "dovecot.conf"),
		maildir: filepath.Join(dir, "mail", dovecotUser),
		uid:     -1,
		gid:     -1,
	}
	if os.Geteuid() == 0 {
		d.uid, d.gid = acct.mailUID, acct.mailGID
	}
	home := filepath.Join(dir, "home", dovecotUser)
	for _, p := range []string{filepath.Join(dir, "run"), filepath.Join(dir, "state")} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatalf("mailtest: %v", err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "mail"), filepath.Join(dir, "home"), home, d.maildir} {
		d.mkdir(t, p)
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		d.mkdir(t, filepath.Join(d.maildir, sub))
	}

	passwd := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s::\n", dovecotUser, dovecotPassword, acct.mailUID, acct.mailGID, home)
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(passwd), 0o644); err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	d.port = freePort(t)
	cfg := dovecotConfig{
		Dir:          dir,
		Port:         d.port,
		InternalUser: acct.internalUser,
		InternalGrp:  acct.internalGroup,
		LoginUser:    acct.loginUser,
		Version:      version,
	}
	if err := os.WriteFile(d.conf, []byte(cfg.render()), 0o644); err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	d.start(t)
	t.Cleanup(func() { d.Stop(t) })
	return d
}

// Addr returns the server's address as host:port.
func (d *Dovecot) Addr() string { return net.JoinHostPort(d.Host(), strconv.Itoa(d.port)) }

// Host returns the host the server listens on (always 127.0.0.1).
func (d *Dovecot) Host() string { return "127.0.0.1" }

// Port returns the TCP port the server listens on.
func (d *Dovecot) Port() int { return d.port }

// User returns the user name accepted by LOGIN.
func (d *Dovecot) User() string { return dovecotUser }

// Password returns the password accepted by LOGIN.
func (d *Dovecot) Password() string { return dovecotPassword }

// Login dials the server in plaintext and logs in as its user. The client
// is closed when the test ends.
func (d *Dovecot) Login(t testing.TB) *imapclient.Client {
	t.Helper()
	return login(t, d.Addr(), dovecotUser, dovecotPassword)
}

// CreateMailbox creates a mailbox with an IMAP CREATE ("/" separates levels).
func (d *Dovecot) CreateMailbox(t testing.TB, name string) {
	t.Helper()
	c := d.Login(t)
	defer func() { _ = c.Logout().Wait(); _ = c.Close() }()
	if err := c.Create(name, nil).Wait(); err != nil {
		t.Fatalf("mailtest: create mailbox %q: %v", name, err)
	}
}

// Append stores raw in mailbox with a real IMAP APPEND and returns its UID.
func (d *Dovecot) Append(t testing.TB, mailbox string, raw []byte) uint32 {
	t.Helper()
	c := d.Login(t)
	defer func() { _ = c.Logout().Wait(); _ = c.Close() }()
	return appendIMAP(t, c, mailbox, raw)
}

// DeliverMaildir writes raw straight into the Maildir new/ folder of
// mailbox, the way a local delivery agent does: fast for loading many
// messages. The mailbox is created on disk if needed. Dovecot assigns the
// UID when a client next looks at the mailbox.
func (d *Dovecot) DeliverMaildir(t testing.TB, mailbox string, raw []byte) {
	t.Helper()
	dir := d.mailboxDir(mailbox)
	if dir != d.maildir {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			d.mkdir(t, dir)
			for _, sub := range []string{"cur", "new", "tmp"} {
				d.mkdir(t, filepath.Join(dir, sub))
			}
			d.writeFile(t, filepath.Join(dir, "maildirfolder"), nil)
		}
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	host = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(host)
	name := fmt.Sprintf("%d.P%dQ%d.%s,S=%d", time.Now().Unix(), os.Getpid(), d.seq.Add(1), host, len(raw))
	tmp := filepath.Join(dir, "tmp", name)
	d.writeFile(t, tmp, raw)
	if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
		t.Fatalf("mailtest: deliver to %q: %v", mailbox, err)
	}
}

// Stop stops Dovecot and its children (SIGTERM, then SIGKILL after two
// seconds) and waits for them to exit; open connections are dropped. The mail stays on disk, so Restart brings the same mailboxes
// back. Stop is idempotent and is called when the test ends.
func (d *Dovecot) Stop(t testing.TB) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cmd == nil {
		return
	}
	// Ask politely; Dovecot waits for busy clients for a long time, so
	// then make sure, which also ends any child left behind.
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exit:
	case <-time.After(2 * time.Second):
	}
	killGroup(d.cmd)
	<-d.exit
	d.cmd = nil
}

// Restart stops Dovecot if it runs and starts it again on the same port
// with the same mail.
func (d *Dovecot) Restart(t testing.TB) {
	t.Helper()
	d.Stop(t)
	d.start(t)
}

// Log returns what Dovecot has written to its log so far.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return string(b)
}

func (d *Dovecot) start(t testing.TB) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()

	var out bytes.Buffer
	cmd := exec.Command(d.bin, "-F", "-c", d.conf)
	cmd.Stdout = &out
	cmd.Stderr = &out
	detach(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("mailtest: start dovecot: %v", err)
	}
	exit := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exit)
	}()
	d.cmd, d.exit = cmd, exit

	deadline := time.Now().Add(30 * time.Second)
	for {
		err := greets(d.Addr())
		if err == nil {
			return
		}
		select {
		case <-exit:
			d.cmd = nil
			t.Fatalf("mailtest: dovecot exited at startup: %s\n%s", out.String(), d.Log())
		default:
		}
		if time.Now().After(deadline) {
			killGroup(cmd)
			<-exit
			d.cmd = nil
			t.Fatalf("mailtest: dovecot did not greet on %s: %v\n%s", d.Addr(), err, d.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// greets connects to addr and checks the server says "* OK".
func greets(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", line)
	}
	return nil
}

// mailboxDir maps an IMAP mailbox name to its Maildir++ directory.
func (d *Dovecot) mailboxDir(mailbox string) string {
	if strings.EqualFold(mailbox, "INBOX") {
		return d.maildir
	}
	return filepath.Join(d.maildir, "."+strings.ReplaceAll(mailbox, "/", "."))
}

func (d *Dovecot) mkdir(t testing.TB, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o700); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	d.chown(t, p)
}

func (d *Dovecot) writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	d.chown(t, p)
}

func (d *Dovecot) chown(t testing.TB, p string) {
	t.Helper()
	if d.uid < 0 {
		return
	}
	if err := os.Lchown(p, d.uid, d.gid); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)`)

type dovecotVer struct{ major, minor, patch int }

func (v dovecotVer) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

func dovecotVersion(bin string) (dovecotVer, error) {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return dovecotVer{}, fmt.Errorf("dovecot --version: %w", err)
	}
	m := versionRE.FindStringSubmatch(strings.TrimSpace(string(out)))
	if m == nil {
		return dovecotVer{}, fmt.Errorf("dovecot --version: unexpected output %q", out)
	}
	var v dovecotVer
	v.major, _ = strconv.Atoi(m[1])
	v.minor, _ = strconv.Atoi(m[2])
	v.patch, _ = strconv.Atoi(m[3])
	return v, nil
}

// accounts are the system users Dovecot's processes and mail run as.
type accounts struct {
	internalUser, internalGroup string
	loginUser                   string
	mailUID, mailGID            int
}

// dovecotAccounts picks the users for a rootless run (everything as the
// current user) or, as root, Dovecot's own unprivileged users: Dovecot
// refuses to run its login processes or to access mail as root.
func dovecotAccounts() (accounts, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return accounts{}, fmt.Errorf("current user: %w", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return accounts{}, fmt.Errorf("current group: %w", err)
		}
		return accounts{
			internalUser: u.Username, internalGroup: g.Name, loginUser: u.Username,
			mailUID: os.Geteuid(), mailGID: os.Getegid(),
		}, nil
	}
	a := accounts{internalUser: "dovecot", internalGroup: "dovecot", loginUser: "dovenull"}
	for _, name := range []string{"dovecot", "dovenull"} {
		if _, err := user.Lookup(name); err != nil {
			return accounts{}, fmt.Errorf("system user %q (created by the dovecot-core package): %w", name, err)
		}
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		return accounts{}, fmt.Errorf("system user nobody: %w", err)
	}
	a.mailUID, _ = strconv.Atoi(nobody.Uid)
	a.mailGID, _ = strconv.Atoi(nobody.Gid)
	return a, nil
}

type dovecotConfig struct {
	Dir                       string
	Port                      int
	InternalUser, InternalGrp string
	LoginUser                 string
	Version                   dovecotVer
}

// render writes the configuration in the syntax of the installed version:
// Dovecot 2.4 renamed most settings.
func (c dovecotConfig) render() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	v24 := c.Version.major > 2 || (c.Version.major == 2 && c.Version.minor >= 4)
	if v24 {
		p("dovecot_config_version = %s", c.Version)
		p("dovecot_storage_version = %s", c.Version)
	}
	p("protocols = imap")
	p("listen = 127.0.0.1")
	p("base_dir = %s/run", c.Dir)
	p("state_dir = %s/state", c.Dir)
	p("log_path = %s/dovecot.log", c.Dir)
	p("default_internal_user = %s", c.InternalUser)
	p("default_internal_group = %s", c.InternalGrp)
	p("default_login_user = %s", c.LoginUser)
	p("first_valid_uid = 1")
	p("first_valid_gid = 1")
	p("ssl = no")
	p("auth_mechanisms = plain login")
	if v24 {
		p("auth_allow_cleartext = yes")
		p("mail_driver = maildir")
		p("mail_path = %s/mail/%%{user}", c.Dir)
		p("passdb passwd-file {")
		p("  passwd_file_path = %s/passwd", c.Dir)
		p("}")
		p("userdb passwd-file {")
		p("  passwd_file_path = %s/passwd", c.Dir)
		p("}")
	} else {
		p("disable_plaintext_auth = no")
		p("mail_location = maildir:%s/mail/%%u", c.Dir)
		p("passdb {")
		p("  driver = passwd-file")
		p("  args = username_format=%%u %s/passwd", c.Dir)
		p("}")
		p("userdb {")
		p("  driver = passwd-file")
		p("  args = username_format=%%u %s/passwd", c.Dir)
		p("}")
	}
	p("namespace inbox {")
	p("  inbox = yes")
	p("  separator = /")
	p("}")
	p("service imap-login {")
	p("  chroot =")
	p("  inet_listener imap {")
	if v24 {
		p("    listen = 127.0.0.1")
	} else {
		p("    address = 127.0.0.1")
	}
	p("    port = %d", c.Port)
	p("  }")
	p("  inet_listener imaps {")
	p("    port = 0")
	p("  }")
	p("}")
	p("service anvil {")
	p("  chroot =")
	p("}")
	return b.String()
}
