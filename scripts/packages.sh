# shellcheck shell=bash
# Debian/Ubuntu packages Comptoir needs to build, test and run; sourced by
# the other scripts.

# Fyne (OpenGL/GLFW) build dependencies, the Xvfb display used for GUI
# screenshots, the Windows cross-compiler, Dovecot for the IMAP integration
# tests, and PDF/image tools used to look at generated documents.
COMPTOIR_PACKAGES=(
	gcc pkg-config git ca-certificates
	libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
	xvfb imagemagick gcc-mingw-w64-x86-64 dovecot-imapd poppler-utils
)

# Packages needed to build and run the desktop app only.
COMPTOIR_RUN_PACKAGES=(
	gcc pkg-config
	libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
)

# install_missing PKG... installs the packages that are not installed yet,
# with sudo unless running as root. Does nothing on systems without apt-get.
install_missing() {
	local missing=() p
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
		echo "note: not a Debian-based system; install these packages yourself: $*" >&2
		return 0
	fi
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing+=("$p")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		return 0
	fi
	echo "==> installing system packages: ${missing[*]}"
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}
