#!/usr/bin/env bash
# Builds and runs Comptoir on this machine, installing the missing Debian
# build packages first (with sudo unless root). Arguments go to the app.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/packages.sh
source scripts/packages.sh

install_missing "${COMPTOIR_RUN_PACKAGES[@]}"
exec go run . "$@"
