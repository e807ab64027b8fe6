#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine with only Node >= 20 and npm:
# pnpm, the workspace's npm dependencies, and the Debian oracles the tests use (clang-19 and
# clang-14 for the BPF target, libbpf-dev headers, binutils' objdump, tcpdump, python3-seccomp,
# chromium). Safe to run again: it installs only what is missing. Then it builds every package.
set -euo pipefail
cd "$(dirname "$0")/.."

want_debs=()
command -v clang-19 >/dev/null 2>&1 || want_debs+=(clang-19)
command -v clang-14 >/dev/null 2>&1 || want_debs+=(clang-14)
command -v llvm-objdump-19 >/dev/null 2>&1 || want_debs+=(llvm-19)
[ -f /usr/include/bpf/bpf_helpers.h ] || want_debs+=(libbpf-dev)
command -v objdump >/dev/null 2>&1 || want_debs+=(binutils)
command -v tcpdump >/dev/null 2>&1 || want_debs+=(tcpdump)
python3 -c 'import seccomp' >/dev/null 2>&1 || want_debs+=(python3-seccomp)
command -v chromium >/dev/null 2>&1 || want_debs+=(chromium)
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
