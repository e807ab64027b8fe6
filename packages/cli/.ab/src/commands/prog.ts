/**
 * `ebpf prog list|dump ID --socket PATH [--json]`: the programs a running application has
 * attached, read through its control socket (`tracer.listen(path)`): id, name, event, engine,
 * runs, errors; a dump adds the disassembly, maps and license. The socket path comes from
 * `--socket` or `EBPF_TRACE_SOCKET`.
 */
import type { Command } from 'commander';
import { controlRequest, type ProgDump, type ProgInfo } from '@ebpf/trace';
import { usage } from '../exit.js';

/** The control socket path from the flag or the environment. */
export function socketPath(flag: string | undefined): string {
  const p = flag ?? process.env.EBPF_TRACE_SOCKET;
  if (!p) usage('no control socket: pass --socket PATH or set EBPF_TRACE_SOCKET (the path the application gave tracer.listen)');
  return p;
}

/** Parses an id argument. */
export function idArg(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) usage(`${what} id must be a non-negative integer, got '${v}'`);
  return n;
}

function progLine(p: ProgInfo): string {
  const what = p.kind === 'filter' ? `filter '${p.filter}'` : `${p.dialect} program`;
  return `${p.id}: ${p.name}  event ${p.event}  ${what}  engine ${p.engine}  ${p.insns} insns  maps [${p.maps.join(',')}]  runs ${p.runs}  errors ${p.errors}  license ${p.license}`;
}

/** Registers `ebpf prog`. */
export function register(program: Command): void {
  const prog = program.command('prog').description("list and dump the BPF programs a running application attached (through its control socket)");
  prog
    .command('list')
    .description('list attached programs')
    .option('--socket <path>', 'control socket (default $EBPF_TRACE_SOCKET)')
    .option('--json', 'print JSON')
    .action(async (flags: { socket?: string; json?: boolean }) => {
      const list = (await controlRequest(socketPath(flags.socket), 'prog.list')) as ProgInfo[];
      process.stdout.write(flags.json ? JSON.stringify(list) + '\n' : list.map(progLine).join('\n') + (list.length ? '\n' : 'no programs attached\n'));
    });
  prog
    .command('dump <id>')
    .description('dump one program: disassembly, maps, license, event')
    .option('--socket <path>', 'control socket (default $EBPF_TRACE_SOCKET)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { socket?: string; json?: boolean }) => {
      const d = (await controlRequest(socketPath(flags.socket), 'prog.dump', idArg(id, 'program'))) as ProgDump;
      if (flags.json) {
        process.stdout.write(JSON.stringify(d) + '\n');
        return;
      }
      const lines = [progLine(d), `attached ${d.attachedAt}${d.lastError ? `; last error: ${d.lastError}` : ''}`, ...d.disassembly.map((l) => `  ${l}`)];
      for (const m of d.mapInfo) lines.push(`map ${m.id} '${m.name}': ${m.type} key ${m.keySize} value ${m.valueSize} max ${m.maxEntries} (${m.count} entries)`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
