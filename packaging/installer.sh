#!/bin/sh
# Installs Scanlens from a release: the archive for this machine, refused unless its SHA-256
# matches the release's checksum file. Written into each release by `cargo xtask dist`.
#
#   curl --proto '=https' --tlsv1.2 -LsSf https://github.com/scanlens/scanlens/releases/latest/download/scanlens-installer.sh | sh
#
# SCANLENS_INSTALL_DIR  where `scanlens` goes [default: $CARGO_HOME/bin, else ~/.cargo/bin]
# SCANLENS_DOWNLOAD_URL the folder holding the release's files (a mirror) [default: the release]
# SCANLENS_TARGET       another build than this machine's, e.g. x86_64-unknown-linux-gnu
set -eu

version='@VERSION@'
base="${SCANLENS_DOWNLOAD_URL:-https://github.com/scanlens/scanlens/releases/download/$version}"
dir="${SCANLENS_INSTALL_DIR:-${CARGO_HOME:-$HOME/.cargo}/bin}"

fail() {
  echo "scanlens-installer: $*" >&2
  exit 1
}

os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  MINGW* | MSYS* | CYGWIN*) fail "no shell install on Windows: download $base/scanlens-x86_64-pc-windows-msvc.zip and its .sha256, check it (Get-FileHash -Algorithm SHA256) and put scanlens.exe on PATH" ;;
  *) fail "no release build for $os $arch; build from source: cargo install --locked --git https://github.com/scanlens/scanlens scanlens" ;;
esac
target="${SCANLENS_TARGET:-$target}"
archive="scanlens-$target.tar.gz"

download() {
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    fail "neither curl nor wget is installed; install one of them"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
download "$base/$archive" "$tmp/$archive" || fail "cannot download $base/$archive"
download "$base/$archive.sha256" "$tmp/$archive.sha256" || fail "cannot download $base/$archive.sha256"

expected=$(cut -d ' ' -f 1 < "$tmp/$archive.sha256")
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$tmp/$archive" | cut -d ' ' -f 1)
elif command -v shasum >/dev/null 2>&1; then
  actual=$(shasum -a 256 "$tmp/$archive" | cut -d ' ' -f 1)
else
  fail "neither sha256sum nor shasum is installed, so the download cannot be checked"
fi
[ -n "$expected" ] && [ "$expected" = "$actual" ] \
  || fail "$archive does not match its published SHA-256 (got $actual, expected $expected); nothing was installed"

tar -xzf "$tmp/$archive" -C "$tmp"
mkdir -p "$dir"
# Copied beside the old one, then renamed over it: a running scanlens is never half-replaced.
cp "$tmp/scanlens-$target/scanlens" "$dir/.scanlens.new"
chmod 0755 "$dir/.scanlens.new"
mv -f "$dir/.scanlens.new" "$dir/scanlens"
echo "scanlens $version installed to $dir/scanlens (completions and man pages: $base/$archive)"
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "add $dir to PATH to run it" ;;
esac
