// The builder and label resolution through encode: what cilium's asm package does for Go.
import { describe, expect, it } from 'vitest';
import { decode } from '../isa/decode.js';
import { encode } from '../isa/encode.js';
import { EncodeError } from '../isa/encode-error.js';
import { resolveLabels } from '../isa/labels.js';
import { R0, R1, R2 } from '../isa/registers.js';
import { asm } from './builder.js';
import { parseAsm } from './parse.js';

describe('builder', () => {
  it('builds the same instructions as the assembler', () => {
    const built = [
      asm.mov.imm(R0, 0),
      asm.ldxw(R1, R1, 4),
      asm.jeq.imm(R1, 0, 'out'),
      asm.lddw(R2, 0x1122334455667788n),
      asm.lock.fetchAdd(10, -8, R2),
      asm.call(6),
      asm.label('out', asm.exit()),
    ];
    const text = 'mov %r0, 0\nldxw %r1, [%r1+4]\njeq %r1, 0, out\nlddw %r2, 0x1122334455667788\nlock fetch add [%r10-8], %r2\ncall 6\nout: exit';
    expect(decode(encode(built))).toEqual(parseAsm(text));
  });

  it('returns frozen plain instructions', () => {
    const i = asm.add.reg32(R1, R2);
    expect(Object.isFrozen(i)).toBe(true);
    expect(i).toEqual({ code: 0x0c, dst: 1, src: 2, off: 0, imm: 0 });
  });
});

describe('labels through encode', () => {
  it('resolves jumps, gotol and local calls, in slots', () => {
    const prog = [
      asm.callLocal('f'),
      asm.gotol('end'),
      asm.label('f', asm.lddw(R0, 1)),
      asm.jne.reg(R0, R1, 'f'),
      asm.label('end', asm.exit()),
    ];
    expect(resolveLabels(prog)).toEqual([asm.callLocal(1), asm.gotol(3), asm.lddw(R0, 1), asm.jne.reg(R0, R1, -3), asm.exit()]);
  });

  it.each([
    ['duplicate label', [asm.label('a', asm.exit()), asm.label('a', asm.exit())], "insn 1: duplicate label 'a' (also at insn 0)"],
    ['undefined label', [asm.lddw(R0, 1), asm.mov.imm(R0, 0), asm.ja('out'), asm.exit()], "insn 3: label 'out' not defined"],
    ['target on a non-jump', [{ ...asm.exit(), target: 'x' }, asm.label('x', asm.exit())], 'insn 0: opcode 0x95 cannot have a jump target'],
  ])('reports a %s', (_, prog, message) => {
    expect(() => encode(prog)).toThrow(EncodeError);
    expect(() => encode(prog)).toThrow(message);
  });

  it('refuses a 16-bit jump that cannot reach', () => {
    const far = [asm.ja('end'), ...Array.from({ length: 40000 }, () => asm.mov.imm(R0, 0)), asm.label('end', asm.exit())];
    expect(() => encode(far)).toThrow(/out of range .* use gotol/);
    expect(encode([asm.gotol('end'), ...far.slice(1)]).length).toBe(40002 * 8);
  });
});
