/**
 * References a path holds (ring buffer reservations): releasing one drops it from the state and
 * makes every register or spilled copy that pointed into it unreadable, so memory that was
 * submitted or discarded cannot be touched again. Acquiring is `call.ts`'s job; checking that
 * none is left at exit or a tail call is `walk.ts`'s.
 */
import { REG_NOT_INIT, type VState, isPointer, mapAllRegs } from './reg-state.js';

/** Drops reference `ref` from `st` and invalidates every pointer into it. */
export function releaseRefIn(st: VState, ref: number): void {
  const i = st.refs.findIndex((e) => e.id === ref);
  if (i >= 0) st.refs.splice(i, 1);
  mapAllRegs(st, (r) => (r.ref === ref && isPointer(r) ? REG_NOT_INIT : r));
}
