#!/usr/bin/env bash
# Writes what each release archive carries besides the binary: shell completions and man pages,
# made by the `scanlens` binary given (the host's build; its CLI is the release's).
#   packaging/generate.sh target/release/scanlens packaging/generated
set -euo pipefail
bin=$1
out=$2
rm -rf "$out"
mkdir -p "$out/completions" "$out/man"
"$bin" completions bash > "$out/completions/scanlens.bash"
"$bin" completions zsh > "$out/completions/_scanlens"
"$bin" completions fish > "$out/completions/scanlens.fish"
"$bin" completions powershell > "$out/completions/_scanlens.ps1"
"$bin" man --out "$out/man"
