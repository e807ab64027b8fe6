/**
 * `ebpf map list|dump ID|clear ID --socket PATH [--json]`: the maps of the programs a running
 * application attached, read (and cleared) through its control socket while the programs run.
 */
import type { Command } from 'commander';
import { controlRequest, type MapDump, type MapInfo } from '@ebpf/trace';
import { idArg, socketPath } from './prog.js';

function mapLine(m: MapInfo): string {
  return `${m.id}: ${m.name}  ${m.type}  key ${m.keySize}  value ${m.valueSize}  max ${m.maxEntries}  entries ${m.count}  programs [${m.programs.join(',')}]`;
}

/** Registers `ebpf map`. */
export function register(program: Command): void {
  const map = program.command('map').description("list, dump and clear the maps of a running application's programs (through its control socket)");
  map
    .command('list')
    .description('list maps')
    .option('--socket <path>', 'control socket (default $EBPF_TRACE_SOCKET)')
    .option('--json', 'print JSON')
    .action(async (flags: { socket?: string; json?: boolean }) => {
      const list = (await controlRequest(socketPath(flags.socket), 'map.list')) as MapInfo[];
      process.stdout.write(flags.json ? JSON.stringify(list) + '\n' : list.map(mapLine).join('\n') + (list.length ? '\n' : 'no maps\n'));
    });
  map
    .command('dump <id>')
    .description('dump one map: key -> value (hex bytes)')
    .option('--socket <path>', 'control socket (default $EBPF_TRACE_SOCKET)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { socket?: string; json?: boolean }) => {
      const d = (await controlRequest(socketPath(flags.socket), 'map.dump', idArg(id, 'map'))) as MapDump;
      if (flags.json) {
        process.stdout.write(JSON.stringify(d) + '\n');
        return;
      }
      process.stdout.write([mapLine(d), ...d.entries.map((e) => `key: ${e.key}  value: ${e.value}`)].join('\n') + '\n');
    });
  map
    .command('clear <id>')
    .description('remove every entry of one map (arrays: zero every value)')
    .option('--socket <path>', 'control socket (default $EBPF_TRACE_SOCKET)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { socket?: string; json?: boolean }) => {
      const r = (await controlRequest(socketPath(flags.socket), 'map.clear', idArg(id, 'map'))) as { id: number; cleared: number };
      process.stdout.write(flags.json ? JSON.stringify(r) + '\n' : `map ${r.id}: cleared ${r.cleared} entries\n`);
    });
}
