#!/usr/bin/env bash
# setup.sh [--tests] [--bench] [--fuzz] — installs the Debian packages qm needs to build and
# test, and nothing else. With --tests also what only the tests use (Chromium, for the HTML
# reports in a real browser; clang and its fuzzer runtime, for the fuzz targets that
# scripts/test.sh runs; groff, to render the man page): scripts/test.sh asks for it, a user's
# build does not. With --bench what only the benchmarks use: the sqlite3 shell (the baseline
# of bench/import.py and a peer of bench/startup.sh), GNU time, and for bench/startup.sh
# lua5.4, hyperfine and valgrind. With --fuzz only the fuzzing tools (scripts/fuzz.sh asks).
# Safe to run again: it only calls apt-get when a package is missing.
set -euo pipefail

packages=(build-essential cmake pkg-config liblua5.4-dev libsqlite3-dev libyaml-dev
          libreadline-dev libedit-dev libxlsxwriter-dev python3 tmux)
test_packages=(chromium groff-base)
fuzz_packages=(clang libclang-rt-dev)
bench_packages=(sqlite3 time lua5.4 hyperfine valgrind)
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=("${test_packages[@]}" "${fuzz_packages[@]}") ;;
    --bench) packages+=("${bench_packages[@]}") ;;
    --fuzz) packages+=("${fuzz_packages[@]}") ;;
    *) echo "setup: unknown option $arg (use --tests, --bench, --fuzz)" >&2; exit 2 ;;
  esac
done
[ -n "${QM_EXTRA_PACKAGES:-}" ] && read -r -a extra <<<"$QM_EXTRA_PACKAGES" && packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
