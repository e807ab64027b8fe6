/**
 * Helper calls: the subsystem's prototype decides what each of r1..r5 must be (the seed's
 * PTR_TO_CTX, PTR_TO_STACK_IMM + CONST_ARG_STACK_IMM_SIZE, CONST_ARG_TABLE_ID with table
 * keys/elements, and today's map pointers, keys, values, memory + size pairs, ring buffer
 * memory); GPL-only helpers need a GPL-compatible license; after the call r1..r5 are unreadable
 * and r0 has the return kind. Ring buffer reservations become references a path must release.
 * bpf-to-bpf calls and `exit` are the walker's (`walk.ts`).
 */
import type { ArgKind } from '../subsystem/helper-proto.js';
import type { HelperDef } from '../subsystem/subsystem.js';
import type { CheckEnv } from './env.js';
import { HelperId, mapHelperCompatible } from './map-compat.js';
import { checkHelperMem } from './mem-access.js';
import { type Reg, REG_NOT_INIT, REG_UNKNOWN, ptrReg } from './reg-state.js';
import { releaseRefIn } from './refs.js';
import { isConst } from './scalar.js';

/** Largest size argument accepted (as Linux: below 2^29). */
const MAX_SIZE_ARG = 1 << 29;

/** Licenses Linux treats as GPL-compatible (`license_is_gpl_compatible`). */
export const GPL_COMPATIBLE_LICENSES: readonly string[] = Object.freeze([
  'GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL',
]);

/** True when `license` is GPL-compatible. */
export function isGplCompatible(license: string): boolean {
  return GPL_COMPATIBLE_LICENSES.includes(license);
}

interface CallMeta {
  /** Map index named by a map_ptr or const_map_id argument. */
  map: number;
  /** The previous argument when it was memory whose size follows. */
  mem?: { regno: number; reg: Reg; kind: ArgKind };
  /** References the call releases. */
  release: number[];
  /** Stack memory the helper fills: [regno, reg, min, max]. */
  fills: Array<[number, Reg, number, number]>;
}

function isMemPtr(r: Reg): boolean {
  return r.type === 'stack' || r.type === 'map_value' || r.type === 'packet' || r.type === 'packet_meta' || r.type === 'mem';
}

function argFail(env: CheckEnv, regno: number, r: Reg, expected: string): never {
  return env.fail('HELPER_ARG', { reg: regno, type: r.type === 'not_init' ? '?' : r.type, expected });
}

/** Checks a call of helper `def` in the current state and applies its effects. */
export function checkHelperCall(env: CheckEnv, def: HelperDef): void {
  const proto = def.proto;
  if (proto.gplOnly && !env.gplCompatible) env.fail('GPL_ONLY', { name: def.name, license: env.license });
  const meta: CallMeta = { map: -1, release: [], fills: [] };
  const regs = env.st.frames[env.st.frames.length - 1]!.regs;
  const args = regs.slice(0, 6);
  for (let i = 0; i < proto.args.length && i < 5; i++) {
    const regno = i + 1;
    const kind = proto.args[i]!;
    const r = regs[regno]!;
    if (r.type === 'not_init') env.fail('REG_NOT_INIT', { reg: regno });
    checkArg(env, def, regno, r, kind, meta);
  }
  if (meta.mem) env.fail('HELPER_ARG', { reg: meta.mem.regno, type: meta.mem.reg.type, expected: 'memory followed by its size' });

  if (def.id === HelperId.TAIL_CALL && env.st.refs.length > 0) {
    env.fail('UNRELEASED_REF', { id: env.st.refs[0]!.id, insn: env.st.refs[0]!.insn });
  }
  for (const [regno, reg, lo, hi] of meta.fills) checkHelperMem(env, regno, reg, lo, hi, false, true);
  for (const ref of meta.release) releaseRefIn(env.st, ref);

  // r1..r5 are clobbered; r0 takes the return kind.
  for (let i = 1; i <= 5; i++) regs[i] = REG_NOT_INIT;
  switch (proto.ret) {
    case 'integer': regs[0] = REG_UNKNOWN; break;
    case 'void': regs[0] = REG_NOT_INIT; break;
    case 'map_value_or_null':
      if (meta.map < 0) env.fail('HELPER_ARG', { reg: 1, type: 'none', expected: 'a map argument for map_value_or_null' });
      regs[0] = ptrReg('map_value_or_null', { map: meta.map, id: env.newId() });
      break;
    case 'ringbuf_mem_or_null': {
      const size = args[2];
      if (!size || size.type !== 'scalar' || !isConst(size.s) || size.s.umin === 0n || size.s.umin > BigInt(MAX_SIZE_ARG)) {
        env.fail('HELPER_ARG_SIZE', { reg: 2, detail: 'ring buffer reservation size must be a known constant > 0' });
      }
      const ref = env.newId();
      env.st.refs.push({ id: ref, insn: env.pc });
      regs[0] = ptrReg('mem_or_null', { id: env.newId(), ref, range: Number(size.s.umin) });
      break;
    }
    default:
      env.fail('UNSUPPORTED', { what: `helper ${def.name}: return kind '${String(proto.ret)}'` });
  }
}

function sizeArg(env: CheckEnv, def: HelperDef, regno: number, r: Reg, kind: ArgKind, meta: CallMeta): void {
  if (r.type !== 'scalar') argFail(env, regno, r, kind);
  const mem = meta.mem;
  if (!mem) env.fail('HELPER_ARG', { reg: regno, type: 'scalar', expected: `${kind} after a memory argument` });
  meta.mem = undefined;
  const limit = def.proto.maxSize ?? MAX_SIZE_ARG;
  if (kind === 'const_stack_size' && !isConst(r.s)) env.fail('HELPER_ARG_SIZE', { reg: regno, detail: 'size must be a known constant' });
  if (r.s.umax > BigInt(limit)) env.fail('HELPER_ARG_SIZE', { reg: regno, detail: `size ${r.s.umax} is larger than ${limit}` });
  const lo = Number(r.s.umin);
  const hi = Number(r.s.umax);
  if (kind !== 'const_size_or_zero' && lo === 0) env.fail('HELPER_ARG_SIZE', { reg: regno, detail: 'invalid zero-sized read' });
  if (mem.reg.type === 'scalar') {
    // mem_or_null given NULL: the size must be 0.
    if (hi !== 0) env.fail('HELPER_ARG_SIZE', { reg: regno, detail: 'NULL memory with a non-zero size' });
    return;
  }
  if (mem.kind === 'uninit_mem') {
    checkHelperMem(env, mem.regno, mem.reg, lo, hi, false, false);
    if (mem.reg.type === 'stack') meta.fills.push([mem.regno, mem.reg, lo, hi]);
    else if (mem.reg.type === 'map_value' && env.maps[mem.reg.map]!.spec.frozen) env.fail('READ_ONLY', { what: `map ${env.maps[mem.reg.map]!.spec.name}` });
  } else {
    checkHelperMem(env, mem.regno, mem.reg, lo, hi, true, false);
  }
}

function mapArg(env: CheckEnv, def: HelperDef, index: number): void {
  const map = env.maps[index];
  if (!map) env.fail('INVALID_MAP', { detail: `invalid access to map ${index} (the program has ${env.maps.length})` });
  if (!mapHelperCompatible(map.spec.type, def.id)) env.fail('MAP_HELPER_MISMATCH', { mapType: map.spec.type, name: def.name, id: def.id });
}

/** A memory argument must get its size before the next one: refuses a prototype that skips it. */
function pendingMem(env: CheckEnv, meta: CallMeta): void {
  if (meta.mem) env.fail('HELPER_ARG', { reg: meta.mem.regno, type: meta.mem.reg.type, expected: 'memory followed by its size' });
}

function checkArg(env: CheckEnv, def: HelperDef, regno: number, r: Reg, kind: ArgKind, meta: CallMeta): void {
  switch (kind) {
    case 'anything':
      return;
    case 'scalar':
      if (r.type !== 'scalar') argFail(env, regno, r, 'scalar');
      return;
    case 'const':
      if (r.type !== 'scalar' || !isConst(r.s)) argFail(env, regno, r, 'a known constant');
      return;
    case 'ptr_to_ctx':
      if (r.type !== 'ctx' || r.off !== 0 || !isConst(r.s) || r.s.umin !== 0n) argFail(env, regno, r, 'ctx');
      return;
    case 'ptr_to_stack':
      pendingMem(env, meta);
      if (r.type !== 'stack') argFail(env, regno, r, 'fp');
      meta.mem = { regno, reg: r, kind };
      return;
    case 'mem':
    case 'mem_or_null':
    case 'uninit_mem':
      pendingMem(env, meta);
      if (kind === 'mem_or_null' && r.type === 'scalar' && isConst(r.s) && r.s.umin === 0n) {
        meta.mem = { regno, reg: r, kind };
        return;
      }
      if (!isMemPtr(r)) argFail(env, regno, r, 'memory');
      meta.mem = { regno, reg: r, kind };
      return;
    case 'const_stack_size':
    case 'const_size':
    case 'const_size_or_zero':
      sizeArg(env, def, regno, r, kind, meta);
      return;
    case 'const_map_id':
      if (r.type !== 'scalar' || !isConst(r.s)) argFail(env, regno, r, 'a constant map id');
      if (r.s.umin >= BigInt(env.maps.length)) {
        env.fail('INVALID_MAP', { detail: `invalid access to table_id=${BigInt.asIntN(64, r.s.umin)} max_tables=${env.maps.length}` });
      }
      meta.map = Number(r.s.umin);
      mapArg(env, def, meta.map);
      return;
    case 'map_ptr':
      if (r.type !== 'map_ptr') argFail(env, regno, r, 'map_ptr');
      meta.map = r.map;
      mapArg(env, def, meta.map);
      return;
    case 'ptr_to_stack_key':
    case 'ptr_to_stack_value':
    case 'map_key':
    case 'map_value': {
      if (meta.map < 0) env.fail('HELPER_ARG', { reg: regno, type: r.type, expected: `${kind} after a map argument` });
      const spec = env.maps[meta.map]!.spec;
      const size = kind === 'ptr_to_stack_key' || kind === 'map_key' ? spec.keySize : spec.valueSize;
      if (kind.startsWith('ptr_to_stack') ? r.type !== 'stack' : !isMemPtr(r)) argFail(env, regno, r, kind.startsWith('ptr_to_stack') ? 'fp' : 'memory');
      checkHelperMem(env, regno, r, size, size, true, false);
      return;
    }
    case 'ringbuf_mem':
      if (r.type !== 'mem' || r.ref === 0 || r.off !== 0 || !isConst(r.s) || r.s.umin !== 0n) argFail(env, regno, r, 'ringbuf_mem (unmodified)');
      meta.release.push(r.ref);
      return;
    case 'func':
      env.fail('UNSUPPORTED', { what: 'callback arguments' });
      return;
    default:
      // A prototype built outside TypeScript may name a kind this checker does not know.
      env.fail('UNSUPPORTED', { what: `helper ${def.name}: argument kind '${String(kind)}'` });
  }
}
