#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine with only Node >= 20 and npm:
# pnpm, the workspace's npm dependencies, and the Debian oracles the tests use (clang-19 and
# clang-14 for the BPF target, libbpf-dev headers, binutils' objdump, tcpdump, python3-seccomp,
# chromium). Safe to run again: it installs only what is missing. Then it builds every package.
set -euo pipefail
cd "$(dirname "$0")/.."

want_debs=()
for pkg in clang-19 clang-14 llvm-19 libbpf-dev binutils tcpdump python3-seccomp chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || want_debs+=("$pkg")
done
if [ ${#want_debs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${want_debs[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want_debs[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm" >&2
  npm install -g pnpm@10.34.8 >/dev/null
fi
pnpm install --frozen-lockfile --reporter=silent
pnpm -s build
