/**
 * TraceSubsystem: the seed's `bpf_trace_cb` as a {@link Subsystem} — the `pt_regs` context
 * (plus an event's recorded entry when given), the trace helpers, and the struct layouts CO-RE
 * relocations resolve against. One instance per event layout; the tracer makes them.
 */
import { SimpleSubsystem, type StructLayout as CoreStructLayout } from '@ebpf/core';
import { PT_REGS, traceContext } from './context.js';
import type { EntryLayout } from './events/fields.js';
import { traceHelpers, type TaskInfo, type TraceSink } from './helpers.js';
import { NET_DEVICE, SK_BUFF, type StructLayout } from './host-structs.js';

/** ELF section prefixes that select the trace subsystem. */
export const TRACE_SECTION_PREFIXES: readonly string[] = ['kprobe/', 'kretprobe/', 'uprobe/', 'uretprobe/', 'trace/', 'tracepoint/', 'tp/'];

/** Options of {@link TraceSubsystem}. */
export interface TraceSubsystemOptions {
  /** Where printed lines and stack dumps go; default: kept in {@link TraceSubsystem.lines}. */
  readonly sink?: TraceSink;
  /** The event's entry, readable after `pt_regs` (see context.ts). */
  readonly entry?: EntryLayout;
  /** Host struct layouts to expose for CO-RE (default sk_buff and net_device). */
  readonly structs?: readonly StructLayout[];
  readonly task?: TaskInfo;
}

/** A core struct layout from a host struct layout. */
function coreLayout(l: StructLayout): CoreStructLayout {
  return { name: l.name, size: l.size, fields: l.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.type.size, signed: f.type.signed })) };
}

/** The trace subsystem. */
export class TraceSubsystem extends SimpleSubsystem {
  /** Lines printed when no sink was given (bounded: the last 1000). */
  readonly lines: string[] = [];

  constructor(options: TraceSubsystemOptions = {}) {
    const lines: string[] = [];
    const sink: TraceSink = options.sink ?? {
      printk(message) {
        lines.push(message);
        if (lines.length > 1000) lines.shift();
      },
      dumpStack() {
        lines.push('<stack dump>');
        if (lines.length > 1000) lines.shift();
      },
    };
    const ptRegs: CoreStructLayout = {
      name: 'pt_regs',
      size: 168,
      fields: Object.entries(PT_REGS).map(([name, offset]) => ({ name, offset, size: 8 })),
    };
    super({
      name: 'trace',
      context: traceContext(options.entry),
      helpers: traceHelpers({ sink, ...(options.task ? { task: options.task } : {}) }),
      sectionPrefixes: TRACE_SECTION_PREFIXES,
      structs: [ptRegs, { ...ptRegs, name: 'bpf_context' }, ...(options.structs ?? [SK_BUFF, NET_DEVICE]).map(coreLayout)],
    });
    this.lines = lines;
  }
}
