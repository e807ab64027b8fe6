/**
 * Static tracepoints: an event the host application declares and fires from its own code
 * (`tp.emit(skb)`), as the kernel's TRACE_EVENT sites do. A disabled tracepoint costs one
 * property check; everything else is the event's job (`event.ts`).
 */
import { TraceEvent, type EventHost, type EventOptions } from './event.js';

/** Declaration of a static tracepoint. */
export type TracepointOptions = EventOptions;

/** A static tracepoint. Its context passes the event descriptor in `di`, arguments from `si`. */
export class Tracepoint extends TraceEvent {
  private readonly argv: unknown[] = [undefined, undefined, undefined, undefined, undefined];

  /** @throws {@link @ebpf/core!EbpfError} (`USAGE`) for a bad declaration. */
  constructor(host: EventHost, id: number, options: TracepointOptions) {
    super(host, id, 'tracepoint', options);
  }

  /**
   * Fires the tracepoint with up to five arguments (in declaration order). Cheap when disabled;
   * never throws because of an attached program.
   */
  emit(a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown): void {
    if (!this.enabled) return;
    const v = this.argv;
    v[0] = a0;
    v[1] = a1;
    v[2] = a2;
    v[3] = a3;
    v[4] = a4;
    this.fire(v);
  }
}
