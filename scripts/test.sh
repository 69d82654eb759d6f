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

step "dependency rule: data and mail never import fyne.io"
deps=$(go list -deps ./data/... ./mail/...)
if fyne_deps=$(grep fyne.io <<<"$deps"); then
	echo "data/ or mail/ depends on Fyne:" >&2
	echo "$fyne_deps" >&2
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
