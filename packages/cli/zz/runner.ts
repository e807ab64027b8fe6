// Emulates the bpf_conformance runner against `ebpf conformance-plugin` (scratch; not committed).
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { conformanceProgram, parseConformanceTest } from '@ebpf/core/testing';
const dir = '/work/main/packages/core/testdata/conformance/';
const opts = process.argv.slice(2);
let pass = 0; const fails: string[] = [];
for (const f of readdirSync(dir).filter((x) => x.endsWith('.data')).sort()) {
  const t = parseConformanceTest(readFileSync(dir + f, 'utf8'), f);
  const prog = Buffer.from(conformanceProgram(t)).toString('hex');
  const mem = Array.from(t.memory, (b) => b.toString(16).padStart(2, '0') + '  ').join('');
  const args = ['/work/main/packages/cli/dist/bin.js', 'conformance-plugin', ...(mem ? [mem] : []), ...opts];
  const r = spawnSync('node', args, { input: prog, encoding: 'utf8' });
  const got = r.stdout.trim();
  const ok = t.error !== undefined ? r.status !== 0 : r.status === 0 && BigInt('0x' + got) === t.result;
  if (ok) pass++; else fails.push(`${f}: status ${r.status} out '${got}' err ${r.stderr.trim().slice(0, 200)}`);
}
console.log(`${pass} passed, ${fails.length} failed`); for (const x of fails) console.log(x);
