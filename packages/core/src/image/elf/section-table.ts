/**
 * Which subsystem an ELF section name asks for (`kprobe/...` → trace, `socket` → socket,
 * `seccomp` → seccomp, ...), and the C struct layouts each subsystem offers for CO-RE. A table
 * with built-in entries that subsystems extend when they register (`elfSections.addSubsystem`).
 * Only names are matched here; resolving a name to a Subsystem object is the runtime's job.
 */
import type { StructLayout } from '../../subsystem/struct-layout.js';
import type { Subsystem } from '../../subsystem/subsystem.js';

/** One row: a section name prefix and the subsystem it selects. */
export interface SectionRule {
  /**
   * Prefix of the section name. A prefix ending in a letter or digit (`socket`) matches only
   * whole words: the bare name, `socket/...` or `socket1`; one ending in `/` or `_` any suffix.
   */
  readonly prefix: string;
  /** Subsystem registry name. */
  readonly subsystem: string;
}

/** Built-in prefixes (Linux program kinds mapped onto our subsystems). */
export const BUILTIN_SECTION_RULES: readonly SectionRule[] = Object.freeze([
  ...['kprobe/', 'kretprobe/', 'uprobe/', 'uretprobe/', 'usdt/', 'tracepoint/', 'tp/', 'raw_tracepoint/', 'raw_tp/', 'tp_btf/', 'fentry/', 'fexit/', 'perf_event', 'trace/', 'filter/']
    .map((prefix) => ({ prefix, subsystem: 'trace' })),
  ...['socket', 'sk_skb', 'classifier', 'tc', 'action']
    .map((prefix) => ({ prefix, subsystem: 'socket' })),
  { prefix: 'seccomp', subsystem: 'seccomp' },
  { prefix: 'xdp', subsystem: 'xdp' },
]);

/** A section-prefix table plus the struct layouts of each subsystem. */
export class SectionTable {
  private readonly rules: SectionRule[];
  private readonly structs = new Map<string, readonly StructLayout[]>();

  constructor(rules: readonly SectionRule[] = BUILTIN_SECTION_RULES) {
    this.rules = [...rules];
  }

  /** Adds a rule; later rules with longer prefixes win over shorter ones. */
  add(rule: SectionRule): this {
    this.rules.push(rule);
    return this;
  }

  /** Adds a subsystem's `sectionPrefixes` and `structs`. */
  addSubsystem(s: Pick<Subsystem, 'name' | 'sectionPrefixes' | 'structs'>): this {
    for (const prefix of s.sectionPrefixes ?? []) this.add({ prefix, subsystem: s.name });
    if (s.structs) this.structs.set(s.name, s.structs);
    return this;
  }

  /** Struct layouts registered for `subsystem` (for CO-RE), if any. */
  structsFor(subsystem: string): readonly StructLayout[] | undefined {
    return this.structs.get(subsystem);
  }

  /**
   * The subsystem a section name selects: the longest matching prefix (a later rule wins a tie),
   * or undefined.
   */
  match(section: string): string | undefined {
    let best: SectionRule | undefined;
    for (const r of this.rules) {
      if (!matches(section, r.prefix)) continue;
      if (!best || r.prefix.length >= best.prefix.length) best = r;
    }
    return best?.subsystem;
  }

  /** A copy (to extend without touching this one). */
  clone(): SectionTable {
    const t = new SectionTable(this.rules);
    for (const [k, v] of this.structs) t.structs.set(k, v);
    return t;
  }
}

function matches(section: string, prefix: string): boolean {
  if (!section.startsWith(prefix)) return false;
  if (!/[A-Za-z0-9]$/.test(prefix) || section.length === prefix.length) return true;
  // `socket` matches `socket`, `socket1`, `socket/x`; `tc` must not match `tcp_foo`.
  const next = section[prefix.length]!;
  return next === '/' || /[0-9]/.test(next);
}

/**
 * The process-wide table `decodeElf` uses by default. Subsystem packages extend it when they
 * register (`elfSections.addSubsystem(subsystem)`).
 */
export const elfSections = new SectionTable();
