// Checks that packages publish on their own: packs @ebpf/core and @ebpf/interp with pnpm, installs
// the two tarballs into an empty project with npm (no workspace, no JIT), and runs a program
// there through the public API only. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

try {
  const tarballs = [];
  for (const pkg of ['core', 'interp']) {
    const out = run('pnpm', ['pack', '--pack-destination', dir], path.join(root, 'packages', pkg));
    tarballs.push(out.trim().split('\n').pop());
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', ...tarballs], dir);
  fs.writeFileSync(
    path.join(dir, 'main.js'),
    `import { parseAsm, Runtime, SimpleSubsystem } from '@ebpf/core';
import { registerInterp } from '@ebpf/interp';
const rt = new Runtime();
registerInterp(rt.container);
const sub = new SimpleSubsystem({ name: 'mem', context: { size: 8, fields: [{ name: 'x', offset: 0, size: 8, access: 'read' }] } });
const spec = { name: 'p', dialect: 'rfc', insns: parseAsm('ldxdw %r0, [%r1]\\nadd %r0, 1\\nexit'), maps: [], license: 'GPL' };
const prog = rt.load(spec, { subsystem: sub, engine: 'interp' });
const ctx = rt.vm.mem.alloc(8, { kind: 'context', name: 'ctx' });
rt.vm.mem.view.setBigUint64(ctx.offset, 41n, true);
console.log(String(prog.run(ctx.address)));
`,
  );
  const out = run('node', ['main.js'], dir).trim();
  if (out !== '42') throw new Error(`pack-check: expected 42, got ${out}`);
  console.log('pack-check: @ebpf/core + @ebpf/interp install and run on their own');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
