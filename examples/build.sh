#!/usr/bin/env bash
# Builds the C examples into BPF ELF objects with every compiler the tests cover:
#   <name>.clang19-v3.o  clang-19 -mcpu=v3   <name>.clang19-v4.o  clang-19 -mcpu=v4 (v4 insns)
#   <name>.clang14.o     clang-14 -mcpu=v3
# The objects are committed; packages/core/test/elf-examples.test.ts loads them and, when the
# compilers are installed, rebuilds each example into a temporary directory and loads that too.
# Usage: examples/build.sh [OUTDIR]   (default: next to the sources)
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-.}"
mkdir -p "$out"
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
flags=(-O2 -g -target bpf -I"/usr/include/$arch" -fdebug-compilation-dir=. -Wall -Werror)
for src in *.c; do
  name="${src%.c}"
  clang-19 "${flags[@]}" -mcpu=v3 -c "$src" -o "$out/$name.clang19-v3.o"
  clang-19 "${flags[@]}" -mcpu=v4 -c "$src" -o "$out/$name.clang19-v4.o"
  clang-14 "${flags[@]}" -mcpu=v3 -c "$src" -o "$out/$name.clang14.o"
done
