/**
 * `ebpf demo`: the main README demo. Runs the seed's two example images through the whole
 * tracing path: decode, check, disassemble, attach to `net:netif_receive_skb` of the simulated
 * network stack, send mixed traffic, print the trace pipe and the tables. filter_ex1 prints
 * `skb <ptr> dev <ptr>` for `lo` only; filter_ex2 counts packets per device and prints every
 * 10,000th.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { CheckerError, formatProgram } from '@ebpf/core';
import { runDemo } from '@ebpf/trace';
import { engineNames } from './engines.js';
import { readProgram } from './program-file.js';
import { checkerExit, printDemo, seedExamplesDir, traceSetup } from './trace.js';

/** The two seed examples, what they do, and how many packets the demo sends each. */
export const SEED_DEMOS = [
  { file: 'filter_ex1.bpf', what: 'prints skb and dev of packets received on lo only', events: 20 },
  { file: 'filter_ex2.bpf', what: 'counts packets per device in a hash table, prints every 10,000th', events: 100_000 },
] as const;

interface DemoFlags {
  readonly engine: string;
  readonly dir?: string;
  readonly maxLines: number;
}

async function demo(flags: DemoFlags): Promise<void> {
  const out = (s: string) => process.stdout.write(s + '\n');
  const dir = flags.dir ?? seedExamplesDir();
  const { tracer, engines } = await traceSetup(flags.engine);
  out(`@ebpf demo: the 2013 seed's tracing filters, on a simulated network stack (engines here: ${engines.join(', ')})`);
  for (const d of SEED_DEMOS) {
    const path = join(dir, d.file);
    const spec = readProgram(path);
    out('');
    out(`== ${d.file}: ${d.what} ==`);
    const helpers = [...new Set(spec.insns.filter((i) => i.helperName).map((i) => i.helperName))];
    out(`load: seed image, ${spec.insns.length} instructions, ${spec.maps.length} table(s), helpers ${helpers.join(', ')}`);
    out('disassembly:');
    for (const l of formatProgram(spec.insns, { syntax: 'kernel' })) out(`  ${l}`);
    try {
      const r = runDemo({
        tracer,
        events: d.events,
        attach: (net) => tracer.attach(net.netifReceiveSkb, spec),
      });
      const p = r.program!;
      const st = p.loaded.verified.stats;
      out(`check: OK (processed ${st.processed} insns, ${st.states} states, ${(st.timeNs / 1000).toFixed(0)} us)`);
      out(`attach: prog ${p.id} '${p.name}' -> ${r.event}, engine ${p.engine}`);
      printDemo(r, flags.maxLines, out);
      if (p.errors > 0) out(`program errors: ${p.errors} (last: ${p.lastError})`);
    } catch (e) {
      if (e instanceof CheckerError) checkerExit(e);
      throw e;
    }
  }
}

/** Registers `ebpf demo`. */
export function register(program: Command): void {
  program
    .command('demo')
    .description("the main demo: the seed's filter_ex1 and filter_ex2 images checked, disassembled, attached to the simulated network stack, with their output and tables")
    .addOption(new Option('--engine <name>', 'engine').choices([...engineNames(), 'auto']).default('auto'))
    .option('--dir <dir>', 'directory holding filter_ex1.bpf and filter_ex2.bpf (default: the copies shipped with @ebpf/trace)')
    .option('--max-lines <n>', 'pipe lines to print per example', (v) => Number(v), 20)
    .action(async (flags: DemoFlags) => demo(flags));
}
