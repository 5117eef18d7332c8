#!/usr/bin/env bash
# Sets happier up on a bare Debian image the way the README says, with nothing reachable
# but the package registries: debootstrap a minimal bookworm, put this machine's Node in
# it as an official tarball would (bin/node, lib/node_modules/npm, include/node), clone
# this checkout, then run the README's prerequisite line and its set-up command inside,
# and check that `happier` answers. Needs root, debootstrap and about 1 GB of disk; it
# takes a few minutes (the SQLite driver is compiled), so CI does not run it.
#
#   sudo scripts/bare-image-check.sh [image-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
image=${1:-$(mktemp -d /var/tmp/happier-bare-XXXXXX)}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

cleanup() {
  umount "$image/dev" 2>/dev/null || true
  umount "$image/proc" 2>/dev/null || true
}
trap cleanup EXIT

# The prerequisite line is read from the README, so this checks what users are told.
prereq=$(grep -A1 'first, on Debian or Ubuntu:' README.md | tail -n 1 | sed -n 's/^`\(.*\)`\.\{0,1\}$/\1/p')
[ -n "$prereq" ] || { echo "bare-image-check: no prerequisite line found in README.md" >&2; exit 1; }
setup=$(sed -n '/^## Quick start/,/^## /p' README.md | sed -n '/^```sh$/{n;p;q}' | sed 's/ *#.*//')
[ -n "$setup" ] || { echo "bare-image-check: no set-up command found in README.md" >&2; exit 1; }

if [ ! -x "$image/bin/sh" ]; then
  command -v debootstrap >/dev/null || { echo "bare-image-check: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
  debootstrap --variant=minbase bookworm "$image" "$mirror" >/dev/null
fi

node_bin=$(command -v node)
node_prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
mkdir -p "$image/usr/local/bin" "$image/usr/local/lib/node_modules" "$image/usr/local/include"
cp "$(readlink -f "$node_bin")" "$image/usr/local/bin/node"
rm -rf "$image/usr/local/lib/node_modules/npm" "$image/usr/local/include/node"
cp -r "$(npm root -g)/npm" "$image/usr/local/lib/node_modules/npm"
cp -r "$node_prefix/include/node" "$image/usr/local/include/node"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$image/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$image/usr/local/bin/npx"
cp /etc/resolv.conf "$image/etc/resolv.conf"
# A sandbox that intercepts TLS hands its CA on; a plain machine has none to pass.
extra_ca=""
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  mkdir -p "$image/etc/ssl/certs"
  cp "$NODE_EXTRA_CA_CERTS" "$image/etc/ssl/certs/extra-ca.crt"
  extra_ca="NODE_EXTRA_CA_CERTS=/etc/ssl/certs/extra-ca.crt"
fi
rm -rf "$image/root/happier"
git clone -q "$root" "$image/root/happier"
mountpoint -q "$image/proc" || mount -t proc proc "$image/proc"
mountpoint -q "$image/dev" || mount --bind /dev "$image/dev"

# sudo is not in a minimal image; as root the README's line runs without it. apt's
# question is answered yes, as the user at the terminal would.
script=$(cat <<EOF
set -e
export DEBIAN_FRONTEND=noninteractive
echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90-bare-image-check
rm -f /usr/local/bin/happier
apt-get update -qq
${prereq//sudo /}
cd /root/happier
$setup
cd /root
happier --version
happier session list --json
happier doctor || true
EOF
)
echo "bare-image-check: $image"
chroot "$image" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG= $extra_ca bash -c "$script"
echo "bare-image-check: ok"
