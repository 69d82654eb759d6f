package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// repoRoot is the module's root: the nearest folder above the test's
// working directory that holds go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

// builds keeps the binaries built during this test process, by package.
var builds struct {
	sync.Mutex
	dir string
	exe map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// buildBinary builds a main package of the module (pkg relative to the
// root, "." for comptoir itself), once per test process.
func buildBinary(t testing.TB, pkg string) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	if exe, ok := builds.exe[pkg]; ok {
		return exe
	}
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "comptoir-cli-test-")
		if err != nil {
			t.Fatal(err)
		}
		builds.dir, builds.exe = dir, map[string]string{}
	}
	exe := filepath.Join(builds.dir, fmt.Sprintf("comptoir%d", len(builds.exe)))
	cmd := exec.Command("go", "build", "-o", exe, pkg)
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	builds.exe[pkg] = exe
	return exe
}

// TestBinaryExportsOneDeal runs the real comptoir binary as a subprocess:
// it proves main.go hands headless commands to cli without opening a window.
func TestBinaryExportsOneDeal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole app")
	}
	f := newFixture(t)
	exe := buildBinary(t, ".")
	cmd := exec.Command(exe, "export", "deals", "--id", strconv.FormatInt(f.lost.ID, 10), "--db", f.Path)
	// No screen: a window would fail. The locale of a container or a CI job,
	// which Fyne's package initialisation complains about (cli/internal/quiet
	// keeps that off a headless command's stderr).
	cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=", "LANG=C", "LC_ALL=", "LC_MESSAGES=")
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
	if len(got) != 1 || got[0]["id"] != float64(f.lost.ID) || got[0]["status"] != "lost" || got[0]["lost_reason"] != "too expensive" {
		t.Fatalf("got %v", got)
	}
	if _, err := time.Parse(time.RFC3339, got[0]["created_at"].(string)); err != nil {
		t.Errorf("created_at: %v", err)
	}

	// A usage error exits 2 through the real binary too.
	cmd = exec.Command(exe, "export", "widgets", "--db", f.Path)
	cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=", "LANG=C")
	stderr.Reset()
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("export widgets: %v, want exit status 2", err)
	}
	if !strings.HasPrefix(stderr.String(), "comptoir export: cannot export \"widgets\"") {
		t.Errorf("export widgets: stderr %q, want the usage error first", stderr.String())
	}
}

// BenchmarkProcessStartExport measures a whole process: start the binary,
// open a seeded database, answer `export deals --id N` (the seed's richest
// deal: 200 timeline entries, 20 product lines) and exit. The goal is
// ≤ 150 ms. "comptoir" is the real binary, with the GUI packages linked in;
// "headless" is the same commands without them, to show what the GUI's
// package initialisation costs at start-up.
//
//	go test ./cli/ -run '^$' -bench ProcessStartExport -benchtime 50x
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
	for _, bin := range []struct{ name, pkg string }{{"comptoir", "."}, {"headless", "./cli/testdata/headless"}} {
		b.Run(bin.name, func(b *testing.B) {
			exe := buildBinary(b, bin.pkg)
			args := []string{"export", "deals", "--id", strconv.FormatInt(id, 10), "--db", path}
			env := append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
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
		})
	}
}
