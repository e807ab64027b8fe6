/**
 * Register numbers and their calling-convention roles (RFC 9669 section 3).
 * r0: return value; r1-r5: arguments (clobbered by calls); r6-r9: callee-saved;
 * r10: read-only frame pointer.
 */

/** Register numbers 0..10. */
export type Reg = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** Return value. */ export const R0 = 0 as const;
/** First argument (the context pointer on entry). */ export const R1 = 1 as const;
/** Second argument. */ export const R2 = 2 as const;
/** Third argument. */ export const R3 = 3 as const;
/** Fourth argument. */ export const R4 = 4 as const;
/** Fifth argument. */ export const R5 = 5 as const;
/** Callee-saved. */ export const R6 = 6 as const;
/** Callee-saved. */ export const R7 = 7 as const;
/** Callee-saved. */ export const R8 = 8 as const;
/** Callee-saved. */ export const R9 = 9 as const;
/** Read-only frame pointer. */ export const R10 = 10 as const;
/** Alias of {@link R10}. */ export const FP = 10 as const;

/** Number of registers including the frame pointer. */
export const REG_COUNT = 11;
/** Bytes of stack per frame (RFC dialect). */
export const STACK_SIZE = 512;
/** Bytes of stack the seed dialect may use: fp-480 .. fp. */
export const SEED_STACK_SIZE = 480;
/** Maximum bpf-to-bpf call depth (frames), as in Linux. */
export const MAX_CALL_FRAMES = 8;
