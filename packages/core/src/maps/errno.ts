/**
 * The Linux errno values map operations and helpers return (negated, as helpers return them),
 * and their names for messages. Programs compare against these numbers, so they must match Linux.
 */

/** Linux errno numbers used by map operations and helpers. */
export const Errno = {
  /** Operation not permitted. */
  EPERM: 1,
  /** No such entry (missing key, empty slot). */
  ENOENT: 2,
  /** Argument list too long: a full map, an array index out of range, too many tail calls. */
  E2BIG: 7,
  /** Try again (a full ring buffer). */
  EAGAIN: 11,
  /** Out of memory. */
  ENOMEM: 12,
  /** Bad address: a helper got a pointer outside VM memory. */
  EFAULT: 14,
  /** Device or resource busy. */
  EBUSY: 16,
  /** Entry exists (update with NOEXIST). */
  EEXIST: 17,
  /** Invalid argument (bad flags, bad sizes). */
  EINVAL: 22,
  /** No space left (full LPM trie, full ring). */
  ENOSPC: 28,
  /** Operation not supported. */
  EOPNOTSUPP: 95,
} as const;

/** An errno name. */
export type ErrnoName = keyof typeof Errno;

const NAMES = new Map<number, ErrnoName>(Object.entries(Errno).map(([k, v]) => [v, k as ErrnoName]));

const TEXT: Readonly<Record<ErrnoName, string>> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such entry',
  E2BIG: 'map is full or index out of range',
  EAGAIN: 'try again (no room)',
  ENOMEM: 'out of memory',
  EFAULT: 'bad address',
  EBUSY: 'busy',
  EEXIST: 'entry exists',
  EINVAL: 'invalid argument',
  ENOSPC: 'no space left',
  EOPNOTSUPP: 'operation not supported',
};

/** `-22` or `22` → `"EINVAL (invalid argument)"`; unknown numbers → `"errno 99"`. */
export function errnoText(code: number): string {
  const name = NAMES.get(Math.abs(code));
  return name ? `${name} (${TEXT[name]})` : `errno ${Math.abs(code)}`;
}
