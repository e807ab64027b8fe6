#!/bin/sh
# The one-line plugin wrapper the official bpf_conformance runner drives (--plugin_path).
exec node "$(dirname "$0")/../packages/cli/dist/bin.js" conformance-plugin "$@"
