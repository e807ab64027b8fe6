#!/usr/bin/env node
// `pnpm bench [--json] [--time MS] [--only a,b] [--engines a,b] [--registers]`: the engine
// benchmark (packages/bench). Builds @ebpf/bench and the packages it depends on when their dist
// is missing, then prints the table (or JSON on stdout; progress goes to stderr).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const needed = ['bench/dist/cli.js', 'core/dist/index.js', 'interp/dist/index.js', 'jit-wasm/dist/index.js', 'jit-x86_64/dist/index.js'];
if (needed.some((p) => !existsSync(join(root, 'packages', p)))) {
  process.stderr.write('bench: building @ebpf/bench and its dependencies...\n');
  const r = spawnSync('pnpm', ['--filter', '@ebpf/bench...', 'run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('bench: build failed\n');
    process.exit(r.status ?? 1);
  }
  // pnpm's own output went to stderr; stdout stays clean for --json.
}
const { benchMain } = await import(pathToFileURL(join(root, 'packages/bench/dist/cli.js')).href);
process.exitCode = await benchMain(process.argv.slice(2));
