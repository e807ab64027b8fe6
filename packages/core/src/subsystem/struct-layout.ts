/**
 * C struct layouts a subsystem exposes (its context struct, host structs it lays out in VM
 * memory). The ELF loader resolves CO-RE relocations (`.BTF.ext`) against these: a field an
 * object reads by name gets the offset and size the subsystem declares here.
 */

/** One field of a {@link StructLayout}. */
export interface StructField {
  /** Field name as in C (`di`, `dev`); nested members may be written `outer.inner`. */
  readonly name: string;
  /** Byte offset from the start of the struct. */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
  /** True when the field is a signed integer (CO-RE `FIELD_SIGNED`); default false. */
  readonly signed?: boolean;
}

/** A C struct layout, by C name (`pt_regs`, `sk_buff`). */
export interface StructLayout {
  readonly name: string;
  /** `sizeof` the struct. */
  readonly size: number;
  readonly fields: readonly StructField[];
}
