/**
 * The benchmark programs, each in bpf_conformance assembler syntax with its input memory and a
 * hand-written JavaScript function doing the same work (the baseline the engines are compared
 * with; it must return the same r0). Programs take r1 = memory address, r2 = its length, and
 * use constant offsets where they can, so the checker can accept them for the JIT engines.
 */

/** A DataView over all of `mem`. */
export function viewOf(mem: Uint8Array): DataView {
  return new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
}

/** One benchmark. */
export interface BenchProgram {
  /** Short name (table row). */
  readonly name: string;
  /** What it does, one line. */
  readonly description: string;
  /** The program, in bpf_conformance assembler syntax. */
  readonly asm: string;
  /** Its input memory (r1 points to a copy, r2 = its length). */
  readonly memory: () => Uint8Array;
  /**
   * The same work in plain JavaScript, given the memory and a DataView over it (made once, as a
   * hand-written filter would keep it): r0 as an unsigned 64-bit BigInt.
   */
  readonly js: (mem: Uint8Array, view: DataView) => bigint;
}

/** Context of the tracing filter: six argument registers, 8 bytes each (a pt_regs slice). */
function filterContext(): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, 0x7f0000001000n, true); // di: the event pointer
  v.setBigUint64(8, 42n, true); // si: pid
  v.setBigUint64(16, 0x1234n, true); // dx: flags
  v.setUint32(24, 512, true); // cx: length
  v.setBigUint64(32, 0xdeadn, true); // r8: a pointer that must be non-NULL
  return b;
}

/** A 64-byte Ethernet/IPv4/TCP packet (SYN from 192.168.1.2:51234 to 192.168.1.1:80). */
function tcpPacket(): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x00, 0x00, 0xc0, 0x9f, 0xa0, 0x97, 0x00, 0xa0, 0xcc, 0x3b, 0xbf, 0xfa, 0x08, 0x00], 0); // dst, src, IPv4
  b.set([0x45, 0x10, 0x00, 0x32, 0x46, 0x3c, 0x40, 0x00, 0x40, 0x06, 0x73, 0x1c], 14); // ver/ihl .. proto TCP
  b.set([192, 168, 1, 2, 192, 168, 1, 1], 26); // saddr, daddr
  b.set([0xc8, 0x22, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x72, 0x10], 34); // sport, dport, seq, ack, doff, SYN
  return b;
}

/** 1500 bytes of a fixed pseudo-random pattern (an MTU-sized payload). */
function payload(): Uint8Array {
  const b = new Uint8Array(1500);
  let x = 0x12345678;
  for (let i = 0; i < b.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const toU64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** The benchmarks, in table order. */
export const BENCH_PROGRAMS: readonly BenchProgram[] = [
  {
    name: 'empty',
    description: 'mov r0, 0; exit (call overhead)',
    asm: 'mov %r0, 0\nexit\n',
    memory: () => new Uint8Array(0),
    js: () => 0n,
  },
  {
    name: 'filter',
    description: '13-insn tracing filter on a pt_regs-like context',
    asm: `
      ldxdw %r2, [%r1+8]
      jne %r2, 42, drop
      ldxdw %r3, [%r1+16]
      and %r3, 0xff
      jle %r3, 10, drop
      ldxw %r4, [%r1+24]
      jgt %r4, 1000, drop
      ldxdw %r5, [%r1+32]
      jeq %r5, 0, drop
      mov %r0, 1
      exit
    drop:
      mov %r0, 0
      exit
    `,
    memory: filterContext,
    js: (_mem, v) => {
      if (v.getUint32(8, true) !== 42 || v.getUint32(12, true) !== 0) return 0n;
      if ((v.getUint32(16, true) & 0xff) <= 10) return 0n;
      if (v.getUint32(24, true) > 1000) return 0n;
      if (v.getUint32(32, true) === 0 && v.getUint32(36, true) === 0) return 0n;
      return 1n;
    },
  },
  {
    name: 'parse',
    description: 'Ethernet/IPv4/TCP header parse of a 64-byte packet',
    asm: `
      mov %r0, 0
      jlt %r2, 54, out
      ldxh %r3, [%r1+12]
      jne %r3, 0x0008, out
      ldxb %r4, [%r1+14]
      jne %r4, 0x45, out
      ldxb %r5, [%r1+23]
      jne %r5, 6, out
      ldxh %r6, [%r1+20]
      and %r6, 0xff3f
      jne %r6, 0, out
      ldxh %r7, [%r1+34]
      be16 %r7
      ldxh %r8, [%r1+36]
      be16 %r8
      ldxb %r9, [%r1+47]
      mov %r0, %r7
      lsh %r0, 16
      or %r0, %r8
      lsh %r0, 8
      or %r0, %r9
      ldxw %r3, [%r1+26]
      ldxw %r5, [%r1+30]
      xor %r3, %r5
      lsh %r3, 32
      xor %r0, %r3
    out:
      exit
    `,
    memory: tcpPacket,
    js: (mem, v) => {
      if (mem.length < 54) return 0n;
      if (v.getUint16(12) !== 0x0800 || mem[14] !== 0x45 || mem[23] !== 6) return 0n;
      if ((v.getUint16(20, true) & 0xff3f) !== 0) return 0n; // fragment offset and MF
      const sport = v.getUint16(34);
      const dport = v.getUint16(36);
      const flags = mem[47]!;
      const lo = (((sport << 16) | dport) << 8) | flags; // low 32 bits of ((sport<<16|dport)<<8|flags)
      const hi = (((sport << 16) | dport) >>> 24) ^ (v.getInt32(26, true) ^ v.getInt32(30, true));
      return toU64(lo, hi);
    },
  },
  {
    name: 'compute',
    description: '1000-iteration dependent 64-bit xorshift loop',
    asm: `
      lddw %r0, 0x0123456789abcdef
      mov %r1, 1000
    loop:
      mov %r2, %r0
      lsh %r2, 13
      xor %r0, %r2
      mov %r2, %r0
      rsh %r2, 7
      xor %r0, %r2
      mov %r2, %r0
      lsh %r2, 17
      xor %r0, %r2
      sub %r1, 1
      jne %r1, 0, loop
      exit
    `,
    memory: () => new Uint8Array(0),
    js: () => {
      let lo = 0x89abcdef | 0;
      let hi = 0x01234567;
      for (let i = 0; i < 1000; i++) {
        // x ^= x << 13
        hi ^= (hi << 13) | (lo >>> 19); lo ^= lo << 13;
        // x ^= x >> 7
        lo ^= (lo >>> 7) | (hi << 25); hi ^= hi >>> 7;
        // x ^= x << 17
        hi ^= (hi << 17) | (lo >>> 15); lo ^= lo << 17;
      }
      return toU64(lo, hi);
    },
  },
  {
    name: 'checksum',
    description: 'Internet checksum (RFC 1071) over 1500 bytes',
    asm: `
      mov %r0, 0
      mov %r3, 0
    loop:
      jge %r3, 1500, fold
      mov %r4, %r1
      add %r4, %r3
      ldxh %r5, [%r4+0]
      add %r0, %r5
      add %r3, 2
      ja loop
    fold:
      mov %r4, %r0
      rsh %r4, 16
      and %r0, 0xffff
      add %r0, %r4
      mov %r4, %r0
      rsh %r4, 16
      and %r0, 0xffff
      add %r0, %r4
      xor %r0, 0xffff
      exit
    `,
    memory: payload,
    js: (_mem, v) => {
      let sum = 0;
      for (let i = 0; i < 1500; i += 2) sum += v.getUint16(i, true);
      sum = (sum & 0xffff) + (sum >>> 16);
      sum = (sum & 0xffff) + (sum >>> 16);
      return BigInt((sum ^ 0xffff) >>> 0);
    },
  },
];
