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

function byteSafe(ob: number, cb: number, c: Frame, i: number): boolean {
  if (ob === StackByte.INVALID) return true;
  if (ob === StackByte.MISC) return cb === StackByte.MISC || (cb === StackByte.SPILL && c.spills[i >> 3]!.type === 'scalar');
  return cb === StackByte.SPILL;
}

/** 32-bit words of a frame's stack bytes (frames own their buffers: offset 0, 512 bytes). */
function words(stack: Uint8Array): Uint32Array {
  return new Uint32Array(stack.buffer, stack.byteOffset, stack.length >> 2);
}

function frameSafe(o: Frame, c: Frame, live: number, ids: IdMap, mode: Mode, liveSlots: Uint8Array | undefined, base: number): boolean {
  if (o.callsite !== c.callsite) return false;
  for (let r = 0; r <= 10; r++) {
    if (r < 10 && (live & (1 << r)) === 0) continue;
    if (!regSafe(o.regs[r]!, c.regs[r]!, ids, mode)) return false;
  }
  // Stack bytes a word at a time (equal words need no byte rules); spilled registers after.
  const os = o.stack;
  const cs = c.stack;
  const ow = words(os);
  const cw = words(cs);
  for (let w = 0; w < ow.length; w++) {
    if (liveSlots && liveSlots[base + (w >> 1)] === 0) continue; // a slot no continuation reads
    if (ow[w] === cw[w]) continue;
    if (mode === 'equal') return false;
    for (let i = w * 4; i < w * 4 + 4; i++) if (!byteSafe(os[i]!, cs[i]!, c, i)) return false;
  }
  for (let slot = 0; slot < o.spills.length; slot++) {
    if (liveSlots && liveSlots[base + slot] === 0) continue;
    if (os[slot * 8] === StackByte.SPILL && !regSafe(o.spills[slot]!, c.spills[slot]!, ids, mode)) return false;
  }
  return true;
}

const TYPE_CODE: Readonly<Record<Reg['type'], number>> = {
  not_init: 0, scalar: 1, ctx: 2, stack: 3, map_ptr: 4, map_value: 5, map_value_or_null: 6, packet: 7, packet_meta: 8, packet_end: 9, mem: 10, mem_or_null: 11,
};

function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x9e3779b1) >>> 0;
}

function regHash(h: number, r: Reg): number {
  h = mix(h, TYPE_CODE[r.type]);
  if (r.type === 'not_init' || r.type === 'packet_end') return h;
  h = mix(h, r.off | 0);
  h = mix(h, Number(BigInt.asUintN(32, r.s.umin)));
  h = mix(h, Number(BigInt.asUintN(32, r.s.umax)));
  return mix(h, (r.map * 31 + r.frame * 7 + r.range) | 0);
}

/**
 * A hash of what {@link statesMatch} compares in 'equal' mode at `pc` (live registers, stack
 * bytes, spilled registers): states it finds equal hash the same, so a different hash skips the
 * comparison. Loop detection compares every state against up to 64 remembered ones; this keeps
 * a loop that only hits the processed-instruction limit from costing 64 full comparisons a turn.
 */
export function stateHash(st: VState, cfg: Cfg, pc: number): number {
  let h = mix(st.frames.length, st.refs.length);
  const n = st.frames.length;
  for (let i = n - 1; i >= 0; i--) {
    const f = st.frames[i]!;
    const live = i === n - 1 ? cfg.liveIn[pc]! : cfg.liveIn[st.frames[i + 1]!.callsite + 1]! & ~0x3f;
    h = mix(h, f.callsite);
    for (let r = 0; r <= 10; r++) if (r === 10 || (live & (1 << r)) !== 0) h = regHash(h, f.regs[r]!);
    const w = words(f.stack);
    for (let k = 0; k < w.length; k++) h = mix(h, w[k]!);
    for (let slot = 0; slot < f.spills.length; slot++) {
      const sp = f.spills[slot];
      if (sp !== undefined && f.stack[slot * 8] === StackByte.SPILL) h = regHash(mix(h, slot), sp);
    }
  }
  return h;
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
