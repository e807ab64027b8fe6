/**
 * SocketSubsystem: the `socket` subsystem — the `__sk_buff` subset with packet pointers, and the
 * map helpers (lookup/update/delete, tail calls, perf event output, ring buffer). Packet helpers
 * (`bpf_skb_load_bytes`, ...) come with the socket issue.
 */
import { MAP_HELPERS, SimpleSubsystem } from '@ebpf/core';
import { socketContext } from './context.js';

/** The socket filter subsystem. */
export class SocketSubsystem extends SimpleSubsystem {
  constructor() {
    super({
      name: 'socket',
      context: socketContext,
      helpers: MAP_HELPERS,
      sectionPrefixes: ['socket'],
    });
  }
}
