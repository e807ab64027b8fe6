/**
 * SeccompSubsystem: the `seccomp` subsystem — the `struct seccomp_data` context, read-only, no
 * helpers (seccomp filters call none in Linux), r0 a 32-bit SECCOMP_RET_* action.
 */
import { SimpleSubsystem } from '@ebpf/core';
import { seccompContext } from './context.js';

/** The seccomp subsystem. */
export class SeccompSubsystem extends SimpleSubsystem {
  constructor() {
    super({
      name: 'seccomp',
      context: seccompContext,
      sectionPrefixes: ['seccomp'],
      returnRange: { min: 0n, max: 0xffffffffn },
    });
  }
}
