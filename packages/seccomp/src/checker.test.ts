import { describe, it } from 'vitest';
import { checkerCases } from '@ebpf/core/testing';
import { SECCOMP_DATA } from './context.js';
import { SeccompSubsystem } from './subsystem.js';

// The seccomp subsystem tests itself with the harness an integrator's subsystem would use.
checkerCases(
  new SeccompSubsystem(),
  {
    accept: [
      { name: 'allow getpid only', asm: `ldxw %r2, [%r1+${SECCOMP_DATA.NR}]\nmov %r0, 0\njne %r2, 39, +1\nmov %r0, 0x7fff0000\nexit` },
      { name: 'reads the high half of args[1]', asm: `ldxw %r0, [%r1+${SECCOMP_DATA.ARGS + 12}]\nexit` },
      { name: 'reads args[5] whole', asm: `ldxdw %r0, [%r1+${SECCOMP_DATA.ARGS + 40}]\nrsh %r0, 32\nexit` },
    ],
    reject: [
      { name: 'writes nr', asm: `stw [%r1+${SECCOMP_DATA.NR}], 1\nmov %r0, 0\nexit`, reason: 'CTX_ACCESS_DENIED', insn: 0 },
      { name: 'reads past seccomp_data', asm: `ldxw %r0, [%r1+${SECCOMP_DATA.SIZE}]\nexit`, reason: 'CTX_ACCESS_DENIED', insn: 0 },
      { name: 'calls a helper (seccomp has none)', asm: 'call 1\nmov %r0, 0\nexit', reason: 'UNKNOWN_HELPER', insn: 0 },
      { name: 'returns a 64-bit value', asm: 'lddw %r0, 0x100000000\nexit', reason: 'RETURN_RANGE', insn: 2 },
    ],
  },
  { describe, it },
);
