#!/usr/bin/env bash
# Runs every check Comptoir's CI runs: formatting, vet, the dependency rule,
# all tests with the race detector (including the Dovecot integration
# tests), and the cross-compile checks for Android, iOS and Windows.
# Installs missing Debian packages first (with sudo unless root).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/packages.sh
source scripts/packages.sh

current="install"
passed=()
step() {
	current=$1
	echo "==> $*"
}
trap 'echo "FAIL: step \"$current\" failed (passed before it: ${passed[*]:-none})" >&2' ERR

install_missing "${COMPTOIR_PACKAGES[@]}"

step "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need formatting (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi
passed+=(gofmt)

step "go vet"
go vet ./...
passed+=(vet)

step "dependency rule: which room imports which"
# The rooms' arrows (DESIGN.md): data and mail never import Fyne; ui never
# imports cli; the SQLite machinery imports nothing of Comptoir; the mail
# queue is imported by mail/send only.
deps=$(go list -deps ./data/... ./mail/...)
if fyne_deps=$(grep fyne.io <<<"$deps"); then
	echo "data/ or mail/ depends on Fyne:" >&2
	echo "$fyne_deps" >&2
	exit 1
fi
if go list -deps ./ui/... | grep -qx 'comptoir/cli'; then
	echo "ui/ depends on cli/" >&2
	exit 1
fi
if own=$(go list -deps ./data/storage | grep '^comptoir/' | grep -vx 'comptoir/data/storage'); then
	echo "the SQLite machinery (data/storage) imports the domain:" >&2
	echo "$own" >&2
	exit 1
fi
importers=$(go list -f '{{.ImportPath}} {{join .Imports " "}}' ./... | awk '/ comptoir\/data\/mailq( |$)/ {print $1}' | grep -vx 'comptoir/mail/send' || true)
if [ -n "$importers" ]; then
	echo "only mail/send may import the mail queue (data/mailq); also imported by:" >&2
	echo "$importers" >&2
	exit 1
fi
if other=$(go list -deps ./data/locale | grep -vx 'comptoir/data/locale' | grep -E '^(comptoir/|[^/]*\.)' | grep -v '^golang.org/x/text/'); then
	echo "data/locale, the formatting leaf, imports more than the standard library and golang.org/x/text:" >&2
	echo "$other" >&2
	exit 1
fi
if go list -deps ./data | grep -qE '^comptoir/(mail|ui|cli|data/formats)(/|$)'; then
	echo "data imports mail/, ui/, cli/ or its file formats room" >&2
	exit 1
fi
if grep -rn --include='*.go' '\.Storage()' ui cli >/dev/null; then
	echo "ui/ or cli/ reach the store's storage handle (data.Store.Storage is for its own sub-rooms):" >&2
	grep -rn --include='*.go' '\.Storage()' ui cli >&2
	exit 1
fi
passed+=(deps)

step "go test -race"
go test -race -count=1 -timeout 40m ./...
passed+=(test)

# Pure-Go packages must build for the phones without cgo. Building several
# packages at once compiles them and discards the result.
for goos in android ios; do
	step "build data and mail for $goos/arm64"
	GOOS=$goos GOARCH=arm64 CGO_ENABLED=0 go build ./data/... ./mail/...
	passed+=("$goos")
done

step "build the app for windows/amd64"
CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc GOOS=windows GOARCH=amd64 \
	go build -o "${TMPDIR:-/tmp}/comptoir.exe" .
passed+=(windows)

echo "PASS: all checks passed (${passed[*]})"
