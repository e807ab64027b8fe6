#!/usr/bin/env bash
# The main demo on a fresh machine: installs what is needed, builds, then runs `ebpf demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node packages/cli/dist/bin.js demo "$@"
