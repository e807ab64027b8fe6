/**
 * `ebpf conformance [DIR] [--engine NAME] [--json]`: runs every bpf_conformance `.data` file of
 * DIR through the assembler and an engine, prints pass/fail per file and a summary. Default DIR:
 * `../shared/conformance`, else the copy vendored in the workspace. Without `--engine` the
 * programs are interpreted unverified (as the suite's `--interpret`); with one, they are checked
 * with the `conformance` subsystem first. Exit 1 when any test fails.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseConformanceTest } from '@ebpf/core/testing';
import { runConformanceTest, type ConformanceOutcome } from '@ebpf/interp';
import { CliExit, usage } from '../exit.js';
import { conformanceRunOptions } from './conformance-engine.js';

/** Where the suite is looked for when no DIR is given, first match wins. */
function defaultDirs(): string[] {
  return [resolve('../shared/conformance'), fileURLToPath(new URL('../../../core/testdata/conformance', import.meta.url))];
}

/** Registers `ebpf conformance`. */
export function register(program: Command): void {
  program
    .command('conformance')
    .description('run the bpf_conformance suite (.data files) through the assembler and an engine')
    .argument('[dir]', 'directory of .data files (default ../shared/conformance)')
    .option('--engine <name>', 'check with the conformance subsystem, then run with this engine (default: interpret unverified)')
    .option('--json', 'print {"engine", "passed", "failed", "results": [...]} on stdout')
    .action(async (dir: string | undefined, opts: { engine?: string; json?: boolean }) => {
      const root = dir ?? defaultDirs().find((d) => existsSync(d));
      if (root === undefined) usage(`no conformance suite found (looked in ${defaultDirs().join(', ')}); give DIR`);
      if (!existsSync(root) || !statSync(root).isDirectory()) usage(`${root}: not a directory`);
      const files = readdirSync(root).filter((f) => f.endsWith('.data')).sort();
      if (files.length === 0) usage(`${root}: no .data files`);
      const runOptions = await conformanceRunOptions(opts.engine, (line) => process.stderr.write(line + '\n'));
      const engineName = runOptions.engine?.name ?? 'interp (unverified)';
      const outcomes: ConformanceOutcome[] = [];
      for (const f of files) {
        const name = f.replace(/\.data$/, '');
        let outcome: ConformanceOutcome;
        try {
          outcome = runConformanceTest(parseConformanceTest(readFileSync(join(root, f), 'utf8'), name), runOptions);
        } catch (e) {
          outcome = { name, pass: false, detail: `parse: ${e instanceof Error ? e.message : String(e)}` };
        }
        outcomes.push(outcome);
        if (!opts.json) process.stdout.write(outcome.pass ? `PASS ${name}\n` : `FAIL ${name}: ${outcome.detail}\n`);
      }
      const passed = outcomes.filter((o) => o.pass).length;
      const failed = outcomes.length - passed;
      if (opts.json) {
        const results = outcomes.map((o) => ({ name: o.name, pass: o.pass, detail: o.detail, ...(o.r0 !== undefined ? { r0: '0x' + o.r0.toString(16) } : {}), ...(o.error ? { stage: o.error.stage } : {}) }));
        process.stdout.write(JSON.stringify({ engine: engineName, dir: root, passed, failed, results }, null, 2) + '\n');
      } else {
        process.stdout.write(`${passed} passed, ${failed} failed (${outcomes.length} tests, engine ${engineName})\n`);
      }
      if (failed > 0) throw new CliExit(1);
    });
}
