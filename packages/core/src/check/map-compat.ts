/**
 * Which helpers may receive which map types (Linux `check_map_func_compatibility`, reduced to
 * the maps this project has): prog arrays only go to `bpf_tail_call`, ring buffers only to the
 * ring buffer helpers, perf event arrays only to `bpf_perf_event_output`, and those helpers
 * take nothing else. Helper ids are Linux's.
 */
import type { MapType } from '../maps/map-spec.js';

/** Linux helper ids that this table knows. */
export const HelperId = {
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_DELETE_ELEM: 3,
  TAIL_CALL: 12,
  PERF_EVENT_OUTPUT: 25,
  RINGBUF_OUTPUT: 130,
  RINGBUF_RESERVE: 131,
  RINGBUF_SUBMIT: 132,
  RINGBUF_DISCARD: 133,
  RINGBUF_QUERY: 134,
} as const;

const SPECIAL: Partial<Record<MapType, readonly number[]>> = {
  prog_array: [HelperId.TAIL_CALL],
  ringbuf: [HelperId.RINGBUF_OUTPUT, HelperId.RINGBUF_RESERVE, HelperId.RINGBUF_QUERY],
  perf_event_array: [HelperId.PERF_EVENT_OUTPUT],
};

/** True when helper `id` may be passed a map of `type`. */
export function mapHelperCompatible(type: MapType, id: number): boolean {
  const only = SPECIAL[type];
  if (only) return only.includes(id);
  for (const [t, ids] of Object.entries(SPECIAL) as Array<[MapType, readonly number[]]>) {
    if (ids.includes(id)) return t === type;
  }
  return true;
}
