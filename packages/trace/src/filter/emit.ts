/**
 * A small instruction emitter for generated programs: named labels, jumps to labels, and a
 * peephole that drops `ja` to the very next instruction. Produces plain `Insn`s with resolved
 * slot offsets (what `encode` and the checker take). Knows nothing about filters.
 */
import { AluOp, Class, EbpfError, JmpOp, Mode, Source, insn, sizeCode, type Insn } from '@ebpf/core';

type Item = { kind: 'insn'; insn: Insn; target?: number } | { kind: 'label'; id: number };

/** Jump conditions by name (64-bit compares). */
export type Cond = 'jeq' | 'jne' | 'jgt' | 'jge' | 'jlt' | 'jle' | 'jsgt' | 'jsge' | 'jslt' | 'jsle' | 'jset';

const COND_OP: Record<Cond, number> = {
  jeq: JmpOp.JEQ, jne: JmpOp.JNE, jgt: JmpOp.JGT, jge: JmpOp.JGE, jlt: JmpOp.JLT, jle: JmpOp.JLE,
  jsgt: JmpOp.JSGT, jsge: JmpOp.JSGE, jslt: JmpOp.JSLT, jsle: JmpOp.JSLE, jset: JmpOp.JSET,
};

/** ALU operations used by generated code. */
export type AluName = 'add' | 'and' | 'or' | 'lsh' | 'rsh' | 'arsh' | 'mov';

const ALU_OP: Record<AluName, number> = { add: AluOp.ADD, and: AluOp.AND, or: AluOp.OR, lsh: AluOp.LSH, rsh: AluOp.RSH, arsh: AluOp.ARSH, mov: AluOp.MOV };

/** Collects instructions and labels; {@link finish} resolves jumps. */
export class Emitter {
  private readonly items: Item[] = [];
  private nextLabel = 0;

  /** A fresh label id. */
  label(): number {
    return this.nextLabel++;
  }

  /** Binds `id` to the next instruction. */
  bind(id: number): void {
    this.items.push({ kind: 'label', id });
  }

  /** `dst op= imm` (64-bit). */
  alu(op: AluName, dst: number, imm: number): void {
    this.push(insn({ code: Class.ALU64 | ALU_OP[op] | Source.K, dst, imm }));
  }

  /** `dst op= src` (64-bit). */
  aluReg(op: AluName, dst: number, src: number): void {
    this.push(insn({ code: Class.ALU64 | ALU_OP[op] | Source.X, dst, src }));
  }

  /** `dst = u32(src)`: zero-extends the low half. */
  mov32(dst: number, src: number): void {
    this.push(insn({ code: Class.ALU | AluOp.MOV | Source.X, dst, src }));
  }

  /** `dst = imm64`. */
  lddw(dst: number, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.push(insn({ code: 0x18, dst, imm: Number(BigInt.asIntN(32, v)), imm64: v }));
  }

  /** `dst = *(size *)(src + off)`. */
  ldx(size: 1 | 2 | 4 | 8, dst: number, src: number, off: number): void {
    this.push(insn({ code: Class.LDX | Mode.MEM | sizeCode(size), dst, src, off }));
  }

  /** `*(size *)(dst + off) = src`. */
  stx(size: 1 | 2 | 4 | 8, dst: number, off: number, src: number): void {
    this.push(insn({ code: Class.STX | Mode.MEM | sizeCode(size), dst, src, off }));
  }

  /** `call id`. */
  call(id: number): void {
    this.push(insn({ code: 0x85, imm: id }));
  }

  /** `exit`. */
  exit(): void {
    this.push(insn({ code: 0x95 }));
  }

  /** `if (dst cond imm) goto label`. */
  jmpImm(cond: Cond, dst: number, imm: number, label: number): void {
    this.items.push({ kind: 'insn', insn: insn({ code: Class.JMP | COND_OP[cond] | Source.K, dst, imm }), target: label });
  }

  /** `if (dst cond src) goto label`. */
  jmpReg(cond: Cond, dst: number, src: number, label: number): void {
    this.items.push({ kind: 'insn', insn: insn({ code: Class.JMP | COND_OP[cond] | Source.X, dst, src }), target: label });
  }

  /** `goto label`. */
  ja(label: number): void {
    this.items.push({ kind: 'insn', insn: insn({ code: 0x05 }), target: label });
  }

  private push(i: Insn): void {
    this.items.push({ kind: 'insn', insn: i });
  }

  /**
   * Resolves labels into slot offsets.
   * @throws {@link @ebpf/core!EbpfError} (`ENCODE`) for an unbound label or an offset past 16 bits.
   */
  finish(): Insn[] {
    // Drop `ja L` when only labels stand between it and L.
    let items = this.items;
    for (let changed = true; changed; ) {
      changed = false;
      // Drop instructions no path reaches (a filter whose outcome is constant leaves one of
      // the exits dead, and the checker refuses unreachable code, as Linux's does).
      const labelAt = new Map<number, number>();
      items.forEach((it, i) => {
        if (it.kind === 'label') labelAt.set(it.id, i);
      });
      const live = new Uint8Array(items.length);
      const work = [0];
      while (work.length > 0) {
        let i = work.pop()!;
        while (i < items.length && !live[i]) {
          live[i] = 1;
          const it = items[i]!;
          if (it.kind === 'insn') {
            if (it.target !== undefined) work.push(labelAt.get(it.target) ?? items.length);
            if (it.insn.code === 0x05 || it.insn.code === 0x95) break;
          }
          i++;
        }
      }
      if (live.includes(0)) {
        const before = items.length;
        items = items.filter((it, i) => live[i] || it.kind === 'label');
        changed = items.length !== before;
      }
      const kept: Item[] = [];
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        if (it.kind === 'insn' && it.insn.code === 0x05 && it.target !== undefined) {
          let j = i + 1;
          let falls = false;
          while (j < items.length && items[j]!.kind === 'label') {
            if ((items[j] as { id: number }).id === it.target) falls = true;
            j++;
          }
          if (falls) {
            changed = true;
            continue;
          }
        }
        kept.push(it);
      }
      items = kept;
    }
    const slotOfLabel = new Map<number, number>();
    let slot = 0;
    for (const it of items) {
      if (it.kind === 'label') slotOfLabel.set(it.id, slot);
      else slot += it.insn.code === 0x18 ? 2 : 1;
    }
    const out: Insn[] = [];
    slot = 0;
    for (const it of items) {
      if (it.kind === 'label') continue;
      const width = it.insn.code === 0x18 ? 2 : 1;
      if (it.target !== undefined) {
        const to = slotOfLabel.get(it.target);
        if (to === undefined) throw new EbpfError('ENCODE', `generated program: label ${it.target} is not bound`);
        const off = to - (slot + 1);
        if (off < -32768 || off > 32767) throw new EbpfError('ENCODE', `generated program: jump offset ${off} does not fit in 16 bits`);
        out.push(insn({ ...it.insn, off }));
      } else out.push(it.insn);
      slot += width;
    }
    return out;
  }
}
