#!/bin/sh
# The Linux installer as agents get it: a .deb from Tauri's bundler, built from a release binary
# without debug info (the release profile keeps line tables for backtraces and profiles; an
# installer has no use for them). Prints its size next to Debian's Linphone desktop packages.
#
#   sh bench/desktop_installer.sh
#
# Builds in its own target directory ($RINGDESK_DIST_TARGET, default ~/.cache/ringdesk/dist-target)
# so the stripped profile does not evict the usual release build.
set -eu
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${RINGDESK_DIST_TARGET:-$HOME/.cache/ringdesk/dist-target}"
(cd ui && npm ci --silent && npm run --silent build)
CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols \
  cargo build --release --locked -p ringdesk
(cd src-tauri && npx --yes @tauri-apps/cli@2.12.3 bundle --bundles deb --ci)
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)
echo "ringdesk: $(basename "$deb") $(($(stat -c %s "$deb") / 1024)) KiB," \
  "installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
for p in linphone-desktop liblinphone10 linphone-common; do
  apt-cache show "$p" 2>/dev/null | awk -v p="$p" '/^Size:/ {s=$2} /^Installed-Size:/ {i=$2} END {
    if (s) printf "linphone: %s %d KiB, installed %s KiB\n", p, s / 1024, i }'
done
