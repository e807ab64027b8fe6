/**
 * MapError: a host-side map operation that failed (full map, missing key, bad sizes, frozen
 * map), naming the map and the operation, with the Linux errno a program would have seen.
 */
import { EbpfError } from '../errors.js';
import { errnoText } from './errno.js';

/** A failed host-side map operation or an invalid map blueprint. */
export class MapError extends EbpfError {
  /**
   * @param mapName the map's name; @param message what went wrong ("update: key is 3 bytes,
   * expected 4"); @param errno the positive Linux errno a program would see (0 when none).
   */
  constructor(readonly mapName: string, message: string, readonly errno = 0, options?: { cause?: unknown }) {
    super('MAP', `map ${mapName}: ${message}`, options);
  }

  /** A MapError for operation `op` that failed with (negative or positive) `errno`. */
  static fromErrno(mapName: string, op: string, errno: number): MapError {
    return new MapError(mapName, `${op}: ${errnoText(errno)}`, Math.abs(errno));
  }
}
