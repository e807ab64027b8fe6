import { describe, expect, it } from 'vitest';
import { SectionTable } from './section-table.js';

describe('SectionTable', () => {
  const table = new SectionTable();
  it.each([
    ['kprobe/sys_write', 'trace'],
    ['kretprobe/x', 'trace'],
    ['tracepoint/net/netif_receive_skb', 'trace'],
    ['tp/sched/sched_switch', 'trace'],
    ['socket', 'socket'],
    ['socket1', 'socket'],
    ['socket/filter', 'socket'],
    ['classifier', 'socket'],
    ['seccomp', 'seccomp'],
    ['xdp', 'xdp'],
    ['xdp/prog', 'xdp'],
    ['tcp_thing', undefined],
    ['.text', undefined],
    ['kprobe', undefined],
  ])('%s → %s', (section, want) => {
    expect(table.match(section)).toBe(want);
  });

  it('subsystems extend a copy with their prefixes and structs; the longest prefix wins', () => {
    const t = table.clone().addSubsystem({
      name: 'mine',
      sectionPrefixes: ['kprobe/my_'],
      structs: [{ name: 'ctx', size: 8, fields: [{ name: 'a', offset: 0, size: 8 }] }],
    });
    expect(t.match('kprobe/my_func')).toBe('mine');
    expect(t.match('kprobe/other')).toBe('trace');
    expect(t.structsFor('mine')?.[0]?.name).toBe('ctx');
    expect(table.match('kprobe/my_func')).toBe('trace');
  });
});
