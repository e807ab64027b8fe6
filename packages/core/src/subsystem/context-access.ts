/**
 * The context access table (the seed's `get_context_access`): which byte ranges of the context
 * a program may read or write, at which sizes, and what the loaded value is.
 */

/** Direction of a context access. */
export type AccessDir = 'read' | 'write';

/** What a context load puts in the destination register. */
export type CtxValueType =
  /** A plain number. */
  | 'scalar'
  /** Start of the packet (`skb->data`, `xdp->data`). */
  | 'ptr_to_packet'
  /** One past the packet's end; accesses are allowed only after comparing with it. */
  | 'ptr_to_packet_end'
  /** Start of the packet metadata. */
  | 'ptr_to_packet_meta';

/** One field of the context. */
export interface ContextField {
  /** Field name (`di`, `len`, `data`, ...), shown in logs and docs. */
  readonly name: string;
  /** Byte offset in the context. */
  readonly offset: number;
  /** Field size in bytes. */
  readonly size: number;
  /** Which directions are allowed. */
  readonly access: 'read' | 'write' | 'readwrite';
  /** Access sizes allowed; default: exactly `size`. Narrower reads inside the field are allowed when listed. */
  readonly sizes?: readonly number[];
  /** Type of the value read (default scalar). */
  readonly type?: CtxValueType;
}

/** Layout of a subsystem's context. */
export interface ContextDescriptor {
  /** Size of the context in bytes (what a context buffer holds). */
  readonly size: number;
  /** The fields a program may access; any other byte is off limits. */
  readonly fields: readonly ContextField[];
}

/** The result of a permitted context access. */
export interface ContextAccess {
  readonly field: ContextField;
  readonly type: CtxValueType;
}

/**
 * Looks up an access of `size` bytes at `off` in `desc`: allowed when it lies inside one field,
 * the direction is permitted and the size is one the field allows.
 */
export function lookupContextAccess(desc: ContextDescriptor, off: number, size: number, dir: AccessDir): ContextAccess | undefined {
  for (const f of desc.fields) {
    if (off < f.offset || off + size > f.offset + f.size) continue;
    if (f.access !== 'readwrite' && f.access !== dir) return undefined;
    const sizes = f.sizes ?? [f.size];
    if (!sizes.includes(size)) return undefined;
    // Narrow reads must be naturally placed inside the field.
    if ((off - f.offset) % size !== 0) return undefined;
    const type = f.type ?? 'scalar';
    // Pointers can only be loaded whole.
    if (type !== 'scalar' && (size !== f.size || off !== f.offset)) return undefined;
    return { field: f, type };
  }
  return undefined;
}
