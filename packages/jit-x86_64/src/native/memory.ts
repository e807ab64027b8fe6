/**
 * Executable memory through koffi (one of the two modules that touch the FFI, with `call.ts`).
 * Code is written into an anonymous read-write mapping, which is then made read-execute before
 * anything runs: no page is ever writable and executable at once (W^X). Separate read-write
 * pages hold per-program runtime words. `dispose()` unmaps them.
 * koffi is loaded lazily, so importing this package never fails on hosts that cannot run it.
 */
import { createRequire } from 'node:module';
import { EbpfError, NotSupportedError } from '@ebpf/core';
import type * as KoffiModule from 'koffi';

/** The koffi module's type. */
export type Koffi = typeof KoffiModule;

interface Libc {
  mmap(addr: null, len: number, prot: number, flags: number, fd: number, off: number): bigint | null;
  mprotect(addr: bigint, len: number, prot: number): number;
  munmap(addr: bigint, len: number): number;
  strerror(errnum: number): string;
}

const PROT_READ = 1;
const PROT_WRITE = 2;
const PROT_EXEC = 4;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
/** Page size assumed for protections (x86-64 Linux). */
export const PAGE_SIZE = 4096;

let loaded: { koffi: Koffi; libc: Libc } | NotSupportedError | undefined;

/** Why native code cannot run on this host (wrong OS or CPU, koffi missing), or undefined. */
export function nativeUnavailable(): NotSupportedError | undefined {
  const r = load();
  return r instanceof NotSupportedError ? r : undefined;
}

function load(): { koffi: Koffi; libc: Libc } | NotSupportedError {
  if (loaded) return loaded;
  if (process.arch !== 'x64') {
    return (loaded = new NotSupportedError(`jit-x86_64: native code needs an x86-64 CPU (this one is ${process.arch})`));
  }
  if (process.platform !== 'linux') {
    return (loaded = new NotSupportedError(`jit-x86_64: native code needs Linux (this host is ${process.platform})`));
  }
  let koffi: Koffi;
  try {
    const req = createRequire(import.meta.url);
    const mod = req('koffi') as Koffi & { default?: Koffi };
    koffi = mod.default ?? mod;
  } catch (e) {
    return (loaded = new NotSupportedError(`jit-x86_64: the koffi FFI package is not installed or failed to load (${(e as Error).message})`, { cause: e }));
  }
  try {
    const lib = koffi.load('libc.so.6');
    const libc: Libc = {
      mmap: lib.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
      mprotect: lib.func('int mprotect(void *addr, size_t len, int prot)'),
      munmap: lib.func('int munmap(void *addr, size_t length)'),
      strerror: lib.func('const char *strerror(int errnum)'),
    };
    return (loaded = { koffi, libc });
  } catch (e) {
    return (loaded = new NotSupportedError(`jit-x86_64: cannot load libc through koffi (${(e as Error).message})`, { cause: e }));
  }
}

/**
 * The loaded FFI.
 * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here.
 */
export function ffi(): Koffi {
  const r = load();
  if (r instanceof NotSupportedError) throw r;
  return r.koffi;
}

function libc(): Libc {
  const r = load();
  if (r instanceof NotSupportedError) throw r;
  return r.libc;
}

/**
 * The real address of an ArrayBuffer's bytes (a WebAssembly.Memory's buffer never moves, as
 * the memory never grows).
 * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here.
 */
export function bufferAddress(buffer: ArrayBuffer): bigint {
  return ffi().address(buffer);
}

function errnoText(): string {
  const e = ffi().errno();
  return `${libc().strerror(e)} (errno ${e})`;
}

function mapAnonymous(size: number): bigint {
  const p = libc().mmap(null, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p === null || p === 0n || BigInt.asIntN(64, p) === -1n) {
    throw new EbpfError('RUNTIME', `jit-x86_64: mmap of ${size} bytes failed: ${errnoText()}`);
  }
  return p;
}

const pages = (n: number): number => Math.ceil(Math.max(n, 1) / PAGE_SIZE) * PAGE_SIZE;

/**
 * Read-write pages for the words generated code keeps at run time (never executable).
 * `dispose()` unmaps them.
 */
export class NativeData {
  /** Address of the first byte (page-aligned, zeroed). */
  readonly address: bigint;
  /** The bytes, writable from JS. Invalid after {@link dispose}. */
  readonly view: DataView;
  private readonly size: number;
  private live = true;

  private constructor(address: bigint, size: number) {
    this.address = address;
    this.size = size;
    this.view = new DataView(ffi().view(address, size));
  }

  /**
   * Maps `size` bytes (rounded up to pages), read-write.
   * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here; {@link @ebpf/core!EbpfError}
   * (`RUNTIME`) when mmap fails.
   */
  static create(size: number): NativeData {
    const bytes = pages(size);
    return new NativeData(mapAnonymous(bytes), bytes);
  }

  /** Unmaps the pages. Idempotent. */
  dispose(): void {
    if (!this.live) return;
    this.live = false;
    libc().munmap(this.address, this.size);
  }
}

/**
 * Machine code mapped read-execute. The pages are mapped read-write, the code is copied in,
 * and only then are they made read-execute: no page is ever writable and executable at once.
 */
export class ExecutableImage {
  /** Address of the first code byte (the entry point). */
  readonly address: bigint;
  /** Code bytes. */
  readonly codeSize: number;
  private readonly mapSize: number;
  private live = true;

  private constructor(address: bigint, mapSize: number, codeSize: number) {
    this.address = address;
    this.mapSize = mapSize;
    this.codeSize = codeSize;
  }

  /**
   * Maps `code` read-write, copies it, then makes it read-execute.
   * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here; {@link @ebpf/core!EbpfError}
   * (`RUNTIME`) when mmap or mprotect fail.
   */
  static create(code: Uint8Array): ExecutableImage {
    const size = pages(code.length);
    const p = mapAnonymous(size);
    try {
      new Uint8Array(ffi().view(p, size)).set(code);
      if (libc().mprotect(p, size, PROT_READ | PROT_EXEC) !== 0) {
        throw new EbpfError('RUNTIME', `jit-x86_64: mprotect(PROT_READ|PROT_EXEC) failed: ${errnoText()}`);
      }
    } catch (e) {
      libc().munmap(p, size);
      throw e;
    }
    return new ExecutableImage(p, size, code.length);
  }

  /** False after {@link dispose}. */
  get alive(): boolean {
    return this.live;
  }

  /** Unmaps the code. Idempotent. */
  dispose(): void {
    if (!this.live) return;
    this.live = false;
    libc().munmap(this.address, this.mapSize);
  }
}
