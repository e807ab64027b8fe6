/**
 * State coverage for pruning (Linux `states_equal`): an old state, whose every continuation was
 * already proven safe, covers a new one when each live register and each stack byte of the new
 * state is at least as constrained as in the old one (scalar ranges inside the old ranges, same
 * pointer kinds and offsets, ids and references mapped consistently). Exact equality detects
 * loops that make no progress. Which states are compared, and when, is `walk.ts`'s business.
 */
import type { Cfg } from './cfg.js';
import { type Frame, type Reg, type VState, FRAME_SLOTS, StackByte } from './reg-state.js';
import { scalarContains, scalarEquals } from './scalar.js';

type Mode = 'covers' | 'equal';

/** Pairs of (old id, cur id) seen so far; ids are few per state, so a flat array is enough. */
class IdMap {
  private readonly pairs: number[] = [];
  /** old id → cur id must be a function; id 0 in old constrains nothing. */
  check(o: number, c: number): boolean {
    if (o === 0) return true;
    if (c === 0) return false;
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) if (p[i] === o) return p[i + 1] === c;
    p.push(o, c);
    return true;
  }
}

function regSafe(o: Reg, c: Reg, ids: IdMap, mode: Mode): boolean {
  if (o.type === 'not_init') return mode === 'covers' || c.type === 'not_init';
  if (o.type !== c.type) return false;
  const sc = mode === 'covers' ? scalarContains(o.s, c.s) : scalarEquals(o.s, c.s);
  switch (o.type) {
    case 'scalar': return sc && ids.check(o.id, c.id);
    case 'ctx': return sc && o.off === c.off;
    case 'stack': return sc && o.off === c.off && o.frame === c.frame;
    case 'map_ptr': return o.map === c.map;
    case 'map_value':
    case 'map_value_or_null': return sc && o.off === c.off && o.map === c.map && ids.check(o.id, c.id);
    case 'packet':
    case 'packet_meta':
      return sc && o.off === c.off && (mode === 'covers' ? c.range >= o.range : c.range === o.range) && ids.check(o.id, c.id);
    case 'packet_end': return true;
    case 'mem':
    case 'mem_or_null': return sc && o.off === c.off && o.range === c.range && ids.check(o.id, c.id) && ids.check(-o.ref, -c.ref);
  }
}

function frameSafe(o: Frame, c: Frame, live: number, ids: IdMap, mode: Mode, liveSlots: Uint8Array | undefined, base: number): boolean {
  if (o.callsite !== c.callsite) return false;
  for (let r = 0; r <= 10; r++) {
    if (r < 10 && (live & (1 << r)) === 0) continue;
    if (!regSafe(o.regs[r]!, c.regs[r]!, ids, mode)) return false;
  }
  const os = o.stack;
  const cs = c.stack;
  for (let i = 0; i < os.length; i++) {
    if (liveSlots && liveSlots[base + (i >> 3)] === 0) {
      i |= 7; // a slot no continuation reads: skip its 8 bytes
      continue;
    }
    const ob = os[i]!;
    const cb = cs[i]!;
    if (mode === 'equal') {
      if (ob !== cb) return false;
    } else {
      if (ob === StackByte.INVALID) continue;
      if (ob === StackByte.MISC) {
        if (cb === StackByte.MISC || (cb === StackByte.SPILL && c.spills[i >> 3]!.type === 'scalar')) continue;
        return false;
      }
      if (cb !== StackByte.SPILL) return false;
    }
    if (ob === StackByte.SPILL && (i & 7) === 0 && !regSafe(o.spills[i >> 3]!, c.spills[i >> 3]!, ids, mode)) return false;
  }
  return true;
}

/**
 * True when `old` covers `cur` at slot `pc` (`mode` 'covers'), or they are the same abstract
 * state ('equal'). Registers dead at `pc` (per the CFG's liveness) are ignored, and in 'covers'
 * mode so are stack slots (frame * 64 + slot) that `liveSlots` does not mark: the slots some
 * continuation of `old` read before writing.
 */
export function statesMatch(old: VState, cur: VState, cfg: Cfg, pc: number, mode: Mode, liveSlots?: Uint8Array): boolean {
  if (old.frames.length !== cur.frames.length || old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  const n = old.frames.length;
  for (let i = n - 1; i >= 0; i--) {
    // The innermost frame is live at pc; a caller's r6..r9 are live at its return point.
    const live = i === n - 1 ? cfg.liveIn[pc]! : cfg.liveIn[old.frames[i + 1]!.callsite + 1]! & ~0x3f;
    if (!frameSafe(old.frames[i]!, cur.frames[i]!, live, ids, mode, mode === 'covers' ? liveSlots : undefined, i * FRAME_SLOTS)) return false;
  }
  for (let i = 0; i < old.refs.length; i++) {
    if (!ids.check(-old.refs[i]!.id, -cur.refs[i]!.id)) return false;
  }
  return true;
}

/** Clears scalar ids that only one register or spill carries (a link with nothing). */
export function dropLonelyIds(st: VState): void {
  let any = false;
  for (const f of st.frames) {
    for (const r of f.regs) if (r.type === 'scalar' && r.id !== 0) { any = true; break; }
    if (!any) for (const r of f.spills) if (r && r.type === 'scalar' && r.id !== 0) { any = true; break; }
    if (any) break;
  }
  if (!any) return;
  const count = new Map<number, number>();
  const see = (r: Reg | undefined): void => {
    if (r && r.type === 'scalar' && r.id !== 0) count.set(r.id, (count.get(r.id) ?? 0) + 1);
  };
  for (const f of st.frames) {
    f.regs.forEach(see);
    f.spills.forEach(see);
  }
  if (count.size === 0) return;
  const fix = (r: Reg): Reg => (r.type === 'scalar' && r.id !== 0 && count.get(r.id) === 1 ? { ...r, id: 0 } : r);
  for (const f of st.frames) {
    for (let i = 0; i < f.regs.length; i++) f.regs[i] = fix(f.regs[i]!);
    for (let i = 0; i < f.spills.length; i++) if (f.spills[i]) f.spills[i] = fix(f.spills[i]!);
  }
}
