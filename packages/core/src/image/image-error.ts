/**
 * ImageError: a program image whose framing is wrong (seed image header sizes, table records,
 * string table), with the byte offset of the field at fault. Bad instructions inside an image
 * are `DecodeError`s; ELF objects have their own `ElfError`.
 */
import { EbpfError } from '../errors.js';

/** A malformed image; `byteOffset` is where the offending field starts (-1 when not one place). */
export class ImageError extends EbpfError {
  constructor(message: string, readonly byteOffset: number, options?: { cause?: unknown }) {
    super('IMAGE', byteOffset >= 0 ? `${message} (at byte ${byteOffset})` : message, options);
  }
}
