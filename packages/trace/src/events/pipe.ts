/**
 * `trace_pipe`: entries formatted as ftrace prints them
 * (`            node-1234  [000] .....  3779.285726: netif_receive_skb: dev=lo len=84`)
 * and an async iterator that consumes the buffer, waiting for new entries unless told to stop
 * when it is empty. Recording entries is the events' job.
 */
import type { TraceBuffer, TraceEntry } from './buffer.js';

/** Formats one entry as a trace_pipe line (no trailing newline). */
export function formatEntry(e: TraceEntry): string {
  const task = `${e.comm}-${e.pid}`.padStart(22);
  const cpu = String(e.cpu).padStart(3, '0');
  const secs = Math.floor(e.ts / 1e9);
  const micros = Math.floor((e.ts % 1e9) / 1e3);
  const ts = `${secs}.${String(micros).padStart(6, '0')}`.padStart(13);
  const msg = e.message ?? (e.render && e.values ? e.render(e.values) : '');
  return `${task} [${cpu}] ..... ${ts}: ${e.event}: ${msg}`;
}

/** Options for {@link tracePipe}. */
export interface PipeOptions {
  /** Keep waiting for new entries when the buffer is empty (default true, as trace_pipe). */
  readonly follow?: boolean;
  /** Ends the iteration (a following pipe rejects its pending wait with the signal's reason). */
  readonly signal?: AbortSignal;
}

/**
 * Consumes the buffer as trace_pipe lines. With `follow: false` it ends when the buffer is empty;
 * otherwise it waits for new entries until `signal` aborts (then it ends without throwing).
 */
export async function* tracePipe(buffer: TraceBuffer, options: PipeOptions = {}): AsyncGenerator<string, void, undefined> {
  const follow = options.follow ?? true;
  for (;;) {
    let e: TraceEntry | undefined;
    while ((e = buffer.shift()) !== undefined) yield formatEntry(e);
    if (!follow || options.signal?.aborted) return;
    try {
      await buffer.waitForData(options.signal);
    } catch {
      return;
    }
  }
}
