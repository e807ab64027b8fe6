/**
 * Why the checker refuses a program: stable, machine-readable ids (tests assert them, never the
 * wording) and the message template of each, in the words of the Linux verifier where one
 * exists. `{name}` placeholders are filled from the parameters the checker passes.
 */

/** Every message template, by reason id. */
export const REASONS = {
  // Structure
  EMPTY_PROGRAM: 'program has no instructions',
  TOO_MANY_INSNS: 'program has {count} insns, the limit is {limit}',
  TOO_MANY_MAPS: 'program uses {count} maps, the limit is {limit}',
  INVALID_OPCODE: 'unknown opcode {code}',
  RESERVED_FIELD: '{what} uses reserved fields',
  INVALID_REGISTER: 'R{reg} is invalid',
  JUMP_OUT_OF_RANGE: 'jump out of range from insn {from} to {to}',
  JUMP_INTO_LDDW: 'jump from insn {from} into the middle of ldimm64 at insn {to}',
  JUMP_OUT_OF_FUNC: 'jump out of function from insn {from} to {to}',
  FALL_OFF_END: 'last insn is not an exit or jmp',
  LAST_NOT_EXIT: 'last insn is not a \'ret\'',
  UNREACHABLE: 'unreachable insn {insn}',
  BACK_EDGE: 'back-edge from insn {from} to {to}',
  RECURSIVE_CALL: 'recursive call from insn {from} to {to}',
  UNSUPPORTED: '{what} is not supported',
  // Registers
  REG_NOT_INIT: 'R{reg} !read_ok',
  FP_WRITE: 'frame pointer is read only',
  // Memory
  INVALID_MEM_ACCESS: 'R{reg} invalid mem access \'{type}\'',
  STACK_OUT_OF_BOUNDS: 'invalid stack off={off} size={size}',
  STACK_UNINIT_READ: 'invalid read from stack off {off}+{i} size {size}',
  STACK_VAR_WRITE: 'variable offset stack write into uninitialized stack off={off} size={size}',
  MISALIGNED: 'misaligned {what} access off {off} size {size}',
  CTX_ACCESS_DENIED: 'invalid bpf_context access off={off} size={size}',
  MAP_VALUE_OUT_OF_BOUNDS: 'invalid access to map value, value_size={valueSize} off={off} size={size}',
  MEM_OUT_OF_BOUNDS: 'invalid access to memory, mem_size={memSize} off={off} size={size}',
  PACKET_OUT_OF_RANGE: 'invalid access to packet, off={off} size={size}, R{reg}(id={id},off={poff},r={range})',
  UNBOUNDED_ACCESS: 'R{reg} unbounded memory access, make sure to bounds check any such access',
  READ_ONLY: 'write into read-only {what} forbidden',
  SPILL_PARTIAL: 'invalid size of register {what}: off {off} size {size}',
  PTR_LEAK: 'R{reg} leaks addr into {where}',
  STACK_PTR_ESCAPE: 'cannot store a pointer to frame {frame} into frame {into}',
  // ALU and jumps
  PTR_ARITH: 'R{reg} {detail}',
  PTR_COMPARE: 'R{reg} pointer comparison prohibited',
  // Calls
  UNKNOWN_HELPER: 'invalid func {name}',
  GPL_ONLY: 'cannot call GPL-restricted function {name} from non-GPL compatible program (license "{license}")',
  HELPER_ARG: 'R{reg} type={type} expected={expected}',
  HELPER_ARG_SIZE: 'R{reg} {detail}',
  INVALID_MAP: '{detail}',
  MAP_HELPER_MISMATCH: 'cannot pass map_type {mapType} into func {name}#{id}',
  CALL_DEPTH: 'the call stack of {frames} frames is too deep',
  CALLX_UNKNOWN: 'callx R{reg} is not a known constant naming a helper ({type})',
  UNRELEASED_REF: 'Unreleased reference id={id} alloc_insn={insn}',
  // Exit
  R0_NOT_INIT: 'R0 !read_ok at exit',
  R0_LEAKS_ADDR: 'R0 leaks addr as return value',
  RETURN_RANGE: 'At program exit the register R0 has {value} should have been in [{min}, {max}]',
  // Limits
  TOO_COMPLEX: 'BPF program is too large. Processed {processed} insn (limit {limit})',
  TOO_MANY_BRANCHES: 'BPF program is too complex: more than {limit} pending branches',
  INFINITE_LOOP: 'infinite loop detected at insn {insn}',
} as const;

/** A rejection reason id. */
export type RejectReason = keyof typeof REASONS;

/** Parameters of a reason's message. */
export type ReasonParams = Readonly<Record<string, string | number | bigint>>;

/** Fills the template of `reason` with `params` (missing parameters stay as `{name}`). */
export function formatReason(reason: RejectReason, params: ReasonParams = {}): string {
  return REASONS[reason].replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** Every reason id, for documentation and tests. */
export const REJECT_REASONS = Object.keys(REASONS) as RejectReason[];
