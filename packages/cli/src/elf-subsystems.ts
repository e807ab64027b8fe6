/**
 * The built-in subsystems as the ELF loader needs them: their section prefixes (which subsystem a
 * `kprobe/...` or `socket` section belongs to) and struct layouts (CO-RE relocations). Made once.
 */
import type { Subsystem } from '@ebpf/core';
import { SeccompSubsystem } from '@ebpf/seccomp';
import { SocketSubsystem } from '@ebpf/socket';
import { TraceSubsystem } from '@ebpf/trace';

let cached: readonly Subsystem[] | undefined;

/** The built-in subsystems, for `decodeAny(bytes, { subsystems })`. */
export function elfSubsystems(): readonly Subsystem[] {
  cached ??= [new TraceSubsystem(), new SocketSubsystem(), new SeccompSubsystem()];
  return cached;
}
