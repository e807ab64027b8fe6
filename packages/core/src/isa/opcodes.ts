/**
 * RFC 9669 opcode fields and constants. Encoding reference only: the meaning of each operation
 * lives in the engines, and the textual names live in `mnemonics.ts`.
 *
 * ```
 *  7 6 5 4 3 2 1 0        ALU/ALU64/JMP/JMP32          LD/LDX/ST/STX
 * +-------+-+-----+      +---------+-------+-----+     +-----+---+-----+
 * | code  |s|class|      |  op (4) | s (1) | cls |     | mode|sz | cls |
 * +-------+-+-----+      +---------+-------+-----+     +-----+---+-----+
 * ```
 * The seed (2013) dialect has its own table in `seed-dialect.ts`; it is translated into these
 * opcodes when decoded, so nothing downstream branches on the dialect.
 */

/** Instruction classes (low 3 bits of the opcode). */
export const Class = {
  /** Non-standard loads: `lddw` (LD|IMM|DW) and the legacy packet loads (ABS/IND). */
  LD: 0x00,
  /** Load into register: `dst = *(size *)(src + off)`. */
  LDX: 0x01,
  /** Store immediate: `*(size *)(dst + off) = imm`. */
  ST: 0x02,
  /** Store register, and atomics: `*(size *)(dst + off) = src`. */
  STX: 0x03,
  /** 32-bit arithmetic; results are zero-extended to 64 bits. */
  ALU: 0x04,
  /** 64-bit jumps, calls and exit. */
  JMP: 0x05,
  /** 32-bit jumps: compare the low 32 bits of the operands. */
  JMP32: 0x06,
  /** 64-bit arithmetic. */
  ALU64: 0x07,
} as const;
/** One of the {@link Class} values. */
export type ClassCode = (typeof Class)[keyof typeof Class];

/** Source operand bit (bit 3) for ALU and JMP classes. */
export const Source = {
  /** Use the 32-bit immediate. */
  K: 0x00,
  /** Use the source register. */
  X: 0x08,
} as const;

/** ALU operations (high 4 bits) for ALU and ALU64. */
export const AluOp = {
  /** `dst += src` */ ADD: 0x00,
  /** `dst -= src` */ SUB: 0x10,
  /** `dst *= src` */ MUL: 0x20,
  /** `dst = (src != 0) ? (dst / src) : 0`; off=1 makes it signed (sdiv). */ DIV: 0x30,
  /** `dst |= src` */ OR: 0x40,
  /** `dst &= src` */ AND: 0x50,
  /** `dst <<= (src & mask)` */ LSH: 0x60,
  /** `dst >>= (src & mask)`, logical */ RSH: 0x70,
  /** `dst = -dst` */ NEG: 0x80,
  /** `dst = (src != 0) ? (dst % src) : dst`; off=1 makes it signed (smod). */ MOD: 0x90,
  /** `dst ^= src` */ XOR: 0xa0,
  /** `dst = src`; off=8/16/32 makes it a sign-extending move (movsx). */ MOV: 0xb0,
  /** `dst >>= (src & mask)`, arithmetic */ ARSH: 0xc0,
  /** Byte swap: `le`/`be` in ALU (source bit picks), unconditional `bswap` in ALU64; imm = 16/32/64. */ END: 0xd0,
} as const;
/** One of the {@link AluOp} values. */
export type AluOpCode = (typeof AluOp)[keyof typeof AluOp];

/** Jump operations (high 4 bits) for JMP and JMP32. */
export const JmpOp = {
  /** `pc += off` (JMP), `pc += imm` (JMP32: `gotol`). */ JA: 0x00,
  /** `if dst == src` */ JEQ: 0x10,
  /** `if dst > src`, unsigned */ JGT: 0x20,
  /** `if dst >= src`, unsigned */ JGE: 0x30,
  /** `if dst & src` */ JSET: 0x40,
  /** `if dst != src` */ JNE: 0x50,
  /** `if dst > src`, signed */ JSGT: 0x60,
  /** `if dst >= src`, signed */ JSGE: 0x70,
  /** Call: helper (src=0), local function (src=1, imm = relative slot), helper by BTF id (src=2); `callx` uses the X bit. */ CALL: 0x80,
  /** Return to the caller with r0. */ EXIT: 0x90,
  /** `if dst < src`, unsigned */ JLT: 0xa0,
  /** `if dst <= src`, unsigned */ JLE: 0xb0,
  /** `if dst < src`, signed */ JSLT: 0xc0,
  /** `if dst <= src`, signed */ JSLE: 0xd0,
} as const;
/** One of the {@link JmpOp} values. */
export type JmpOpCode = (typeof JmpOp)[keyof typeof JmpOp];

/** Access sizes (bits 3-4) for load/store classes. */
export const Size = {
  /** 4 bytes */ W: 0x00,
  /** 2 bytes */ H: 0x08,
  /** 1 byte */ B: 0x10,
  /** 8 bytes */ DW: 0x18,
} as const;
/** One of the {@link Size} values. */
export type SizeCode = (typeof Size)[keyof typeof Size];

/** Modes (bits 5-7) for load/store classes. */
export const Mode = {
  /** 64-bit immediate load (`lddw`, two slots). */ IMM: 0x00,
  /** Legacy packet load at an absolute offset. */ ABS: 0x20,
  /** Legacy packet load at register + offset. */ IND: 0x40,
  /** Regular memory access. */ MEM: 0x60,
  /** Sign-extending load (`ldxsb`, `ldxsh`, `ldxsw`). */ MEMSX: 0x80,
  /** Atomic operation; the operation is in `imm`. */ ATOMIC: 0xc0,
} as const;

/** Atomic operations (the `imm` of an STX|ATOMIC instruction). */
export const AtomicOp = {
  /** `*addr += src` */ ADD: 0x00,
  /** `*addr |= src` */ OR: 0x40,
  /** `*addr &= src` */ AND: 0x50,
  /** `*addr ^= src` */ XOR: 0xa0,
  /** Modifier: also load the old value into `src`. */ FETCH: 0x01,
  /** `src = xchg(addr, src)` (always fetches). */ XCHG: 0xe1,
  /** `r0 = cmpxchg(addr, r0, src)` (always fetches). */ CMPXCHG: 0xf1,
} as const;

/** Pseudo source values of `lddw` (`src` field): what the 64-bit immediate refers to. */
export const LdImmSrc = {
  /** Plain 64-bit constant. */ IMM64: 0,
  /** `imm` = map index (fd in Linux): loads a map pointer. */ MAP_BY_FD: 1,
  /** `imm` = map index, next imm = offset: loads a pointer into the map's value. */ MAP_VALUE_BY_FD: 2,
  /** `imm` = BTF variable id. */ BTF_ID: 3,
  /** `imm` = function (slot relative): loads a code address. */ CODE_ADDR: 4,
  /** `imm` = map index (by index, not fd). */ MAP_BY_IDX: 5,
  /** `imm` = map index, next imm = offset (by index). */ MAP_VALUE_BY_IDX: 6,
} as const;

/** `src` field values of a CALL instruction. */
export const CallSrc = {
  /** Helper function by id (`imm`). */ HELPER: 0,
  /** Local function: target slot = pc + imm + 1. */ LOCAL: 1,
  /** Helper by BTF id (kfunc). */ KFUNC: 2,
} as const;

/** Whole opcode bytes that get used by name throughout the code base. */
export const Op = {
  /** `lddw dst, imm64` (two slots) */ LDDW: 0x18,
  /** `call imm` */ CALL: 0x85,
  /** `callx dst` (the register holds the helper id, as the conformance suite defines) */ CALLX: 0x8d,
  /** `exit` */ EXIT: 0x95,
  /** `ja +off` */ JA: 0x05,
  /** `gotol +imm` */ JA32: 0x06,
} as const;

/** Extracts the class of an opcode byte. */
export function opClass(code: number): ClassCode {
  return (code & 0x07) as ClassCode;
}

/** Extracts the ALU/JMP operation (high nibble) of an opcode byte. */
export function opOp(code: number): number {
  return code & 0xf0;
}

/** Extracts the load/store size field of an opcode byte. */
export function opSize(code: number): SizeCode {
  return (code & 0x18) as SizeCode;
}

/** Extracts the load/store mode field of an opcode byte. */
export function opMode(code: number): number {
  return code & 0xe0;
}

/** Width in bytes of a load/store size code. */
export function sizeBytes(size: SizeCode): 1 | 2 | 4 | 8 {
  switch (size) {
    case Size.B: return 1;
    case Size.H: return 2;
    case Size.W: return 4;
    default: return 8;
  }
}

/** Size code for a width in bytes. */
export function sizeCode(bytes: 1 | 2 | 4 | 8): SizeCode {
  return bytes === 1 ? Size.B : bytes === 2 ? Size.H : bytes === 4 ? Size.W : Size.DW;
}
