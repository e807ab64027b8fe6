/**
 * EncodeError: an instruction list that cannot become bytes (a field out of range, a missing or
 * duplicate label, an instruction the target dialect lacks). Decoding errors are `DecodeError`.
 */
import { EbpfError } from '../errors.js';

/** Instructions that cannot be encoded; `insn` is the slot index (-1 when not one instruction). */
export class EncodeError extends EbpfError {
  constructor(message: string, readonly insn: number, options?: { cause?: unknown }) {
    super('ENCODE', insn >= 0 ? `insn ${insn}: ${message}` : message, options);
  }
}
