import { describe, it } from 'vitest';
import { checkerCases } from '@ebpf/core/testing';
import { SK_BUFF } from './context.js';
import { SocketSubsystem } from './subsystem.js';

// The socket subsystem tests itself with the harness an integrator's subsystem would use.
const parseEthType = (check: boolean) => `
  ldxw %r2, [%r1+${SK_BUFF.DATA}]
  ldxw %r3, [%r1+${SK_BUFF.DATA_END}]
  mov %r4, %r2
  add %r4, 14
  ${check ? 'jgt %r4, %r3, out' : 'jgt %r2, %r3, out'}
  ldxh %r0, [%r2+12]
  exit
out:
  mov %r0, 0
  exit`;

checkerCases(
  new SocketSubsystem(),
  {
    accept: [
      { name: 'reads len', asm: `ldxw %r0, [%r1+${SK_BUFF.LEN}]\nexit` },
      { name: 'writes cb[2]', asm: `stw [%r1+${SK_BUFF.CB + 8}], 7\nmov %r0, 0\nexit` },
      { name: 'packet access after comparing with data_end', asm: parseEthType(true) },
      {
        name: 'map lookup with a stack key',
        asm: 'stw [%r10-4], 1\nlddw %r1, map_fd(0)\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit',
        maps: [{ name: 'm', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 }],
      },
    ],
    reject: [
      { name: 'writes len', asm: `stw [%r1+${SK_BUFF.LEN}], 1\nmov %r0, 0\nexit`, reason: 'CTX_ACCESS_DENIED', insn: 0 },
      { name: 'reads past the context', asm: `ldxw %r0, [%r1+${SK_BUFF.SIZE}]\nexit`, reason: 'CTX_ACCESS_DENIED', insn: 0 },
      { name: 'reads half a packet pointer', asm: `ldxh %r0, [%r1+${SK_BUFF.DATA}]\nexit`, reason: 'CTX_ACCESS_DENIED', insn: 0 },
      { name: 'packet access checked against the wrong length', asm: parseEthType(false), reason: 'PACKET_OUT_OF_RANGE', insn: 5 },
      { name: 'unknown helper', asm: 'call 9999\nmov %r0, 0\nexit', reason: 'UNKNOWN_HELPER', insn: 0 },
    ],
  },
  { describe, it },
);
