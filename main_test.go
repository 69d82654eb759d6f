package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/app"

	"comptoir/data"
	"comptoir/data/seed"
)

// builds keeps the binary built during this test process.
var builds struct {
	sync.Mutex
	dir string
	exe string
}

// scratch is a folder for the homes and configuration folders Fyne writes
// to in the background (its preferences watcher): removed once every test
// has ended, not by each test, so that no test's cleanup races with it.
var scratch string

func TestMain(m *testing.M) {
	var err error
	if scratch, err = os.MkdirTemp("", "comptoir-main-scratch-"); err != nil {
		panic(err)
	}
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.RemoveAll(scratch)
	os.Exit(code)
}

// scratchDir makes a new folder under scratch.
func scratchDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp(scratch, "d")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// buildBinary builds comptoir once per test process.
func buildBinary(t testing.TB) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	if builds.exe != "" {
		return builds.exe
	}
	dir, err := os.MkdirTemp("", "comptoir-main-test-")
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "comptoir")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	builds.dir, builds.exe = dir, exe
	return exe
}

// headlessEnv is an environment with no screen and the locale of a
// container or a CI job, which Fyne's package initialisation complains
// about.
func headlessEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "LANG", "LC_ALL", "LC_MESSAGES", "XDG_CONFIG_HOME", "HOME":
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "LANG=C"), extra...)
}

// TestStorageRootIsFynes: the folder headless commands use is the one Fyne
// gives the window, with and without XDG_CONFIG_HOME.
func TestStorageRootIsFynes(t *testing.T) {
	for _, xdg := range []bool{false, true} {
		t.Run(fmt.Sprintf("XDG_CONFIG_HOME set %v", xdg), func(t *testing.T) {
			home := scratchDir(t)
			t.Setenv("HOME", home)
			if xdg {
				t.Setenv("XDG_CONFIG_HOME", filepath.Join(scratchDir(t), "elsewhere"))
			} else {
				t.Setenv("XDG_CONFIG_HOME", "")
			}
			got, err := storageRoot()
			if err != nil {
				t.Fatal(err)
			}
			want := app.NewWithID(appID).Storage().RootURI().Path()
			if got != want {
				t.Fatalf("storageRoot() = %s, Fyne's storage root = %s", got, want)
			}
			if !strings.HasPrefix(got, home) && !xdg {
				t.Errorf("without XDG_CONFIG_HOME the folder %s is not under HOME %s", got, home)
			}
		})
	}
}

// TestHeadlessAndWindowOpenTheSameFile: `comptoir init` with XDG_CONFIG_HOME
// set writes the database the window opens (the window opens it through
// openStore with no --db, as here).
func TestHeadlessAndWindowOpenTheSameFile(t *testing.T) {
	exe := buildBinary(t)
	home, xdg := scratchDir(t), scratchDir(t)
	cmd := exec.Command(exe, "init", "--name", "Ada Admin", "--email", "ada@example.test")
	cmd.Env = headlessEnv("HOME="+home, "XDG_CONFIG_HOME="+xdg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("comptoir init: %v\n%s", err, out)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", xdg)
	want := filepath.Join(app.NewWithID(appID).Storage().RootURI().Path(), dbFile)
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("init did not write the window's file %s: %v", want, err)
	}
	st, err := openStore(context.Background(), "", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Path() != want {
		t.Errorf("the window opens %s, Fyne's storage holds %s", st.Path(), want)
	}
	if e, err := st.FirstAdmin(context.Background()); err != nil || e.Email != "ada@example.test" {
		t.Fatalf("the window's file has no admin from init: %+v %v", e, err)
	}
}

// TestWindowWithLangKeepsItsLog: `comptoir --lang fr` is the window, whose
// log goes to stderr (it was once taken for a command and silenced). With no
// display the window cannot open, and says so in a sentence.
func TestWindowWithLangKeepsItsLog(t *testing.T) {
	exe := buildBinary(t)
	db := filepath.Join(t.TempDir(), "c.db")
	cmd := exec.Command(exe, "--lang", "fr", "--db", db)
	cmd.Env = headlessEnv("HOME=" + t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("with no display: %v, want exit status 1\n%s", err, stderr.String())
	}
	out := stderr.String()
	if !strings.Contains(out, "database open") || !strings.Contains(out, "lang=fr") {
		t.Errorf("the window's log did not reach stderr:\n%s", out)
	}
	if !strings.Contains(out, "cannot open the window") || strings.Contains(out, "goroutine ") {
		t.Errorf("no display: want a sentence, not a panic:\n%s", out)
	}
}

// TestBinaryExportsOneDeal runs the real comptoir binary as a subprocess:
// main hands headless commands to cli without opening a window, and the
// GUI packages' initialisation writes nothing on a command's stderr.
func TestBinaryExportsOneDeal(t *testing.T) {
	path, id := seededDB(t, 3)
	exe := buildBinary(t)
	cmd := exec.Command(exe, "export", "deals", "--id", strconv.FormatInt(id, 10), "--db", path)
	cmd.Env = headlessEnv("HOME=" + t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("comptoir export: %v\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("a successful headless command wrote to stderr (the GUI packages' initialisation?):\n%s", stderr.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if len(got) != 1 || got[0]["id"] != float64(id) {
		t.Fatalf("got %v", got)
	}

	// A usage error exits 2 through the real binary too, and so does a
	// global flag without its value.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "widgets", "--db", path}, "comptoir export: cannot export \"widgets\""},
		{[]string{"export", "deals", "--db"}, "comptoir: flag --db needs a value"},
		{[]string{"--lang", "de", "export", "deals", "--db", path}, "comptoir: --lang must be fr or en"},
	} {
		cmd = exec.Command(exe, c.args...)
		cmd.Env = headlessEnv("HOME=" + t.TempDir())
		stderr.Reset()
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("%q: %v, want exit status 2", c.args, err)
		}
		if !strings.HasPrefix(stderr.String(), c.want) {
			t.Errorf("%q: stderr %q, want %q first", c.args, stderr.String(), c.want)
		}
	}
}

// seededDB makes a database with n sample deals and returns its path and
// the seed's richest deal.
func seededDB(tb testing.TB, n int) (string, int64) {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "seeded.db")
	st, err := data.Open(ctx, path, data.OpenOptions{Language: "fr"})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	sum, err := seed.Fill(ctx, st, seed.Options{Deals: n, Seed: 1, Lang: "fr"})
	if err != nil {
		tb.Fatal(err)
	}
	id := sum.RichDeal
	if id == 0 {
		id = int64(n/2 + 1)
	}
	return path, id
}

// BenchmarkProcessStartExport measures a whole process: start the binary,
// open a seeded database, answer `export deals --id N` (the seed's richest
// deal: 200 timeline entries, 20 product lines) and exit. The goal is
// ≤ 150 ms.
//
//	go test . -run '^$' -bench ProcessStartExport -benchtime 50x
//
// COMPTOIR_BENCH_DEALS sets the database's size (default 10,000 deals).
func BenchmarkProcessStartExport(b *testing.B) {
	n := 10000
	if v := os.Getenv("COMPTOIR_BENCH_DEALS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("COMPTOIR_BENCH_DEALS: %v", err)
		}
	}
	path, id := seededDB(b, n)
	exe := buildBinary(b)
	args := []string{"export", "deals", "--id", strconv.FormatInt(id, 10), "--db", path}
	env := headlessEnv("HOME=" + b.TempDir())
	var out bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		cmd := exec.Command(exe, args...)
		cmd.Env = env
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			b.Fatalf("%v", err)
		}
	}
	b.StopTimer()
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 || got[0]["id"] != float64(id) {
		b.Fatalf("output: %v %.200s", err, out.String())
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
}
