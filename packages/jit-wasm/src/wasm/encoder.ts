/**
 * A WebAssembly binary writer: a growable byte buffer with LEB128 encoders, and a module builder
 * that lays out the type, import, function, export and code sections. It knows the binary
 * format only; which functions and instructions to emit is decided by the code generator.
 */
import { ExternKind, Section, type ValTypeCode } from './opcodes.js';

const TEXT = new TextEncoder();

/** A growable byte buffer with the wasm primitive encoders. */
export class ByteWriter {
  private buf: Uint8Array;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: number): void {
    if (this.length + n > this.buf.length) this.grow(n);
  }

  /** Replaces the buffer with one at least `n` bytes longer than what is written (doubling). */
  private grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Appends one byte. */
  u8(b: number): this {
    if (this.length >= this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
    return this;
  }

  /** Appends two bytes (an opcode and its immediate byte, say). */
  u8x2(a: number, b: number): this {
    if (this.length + 2 > this.buf.length) this.grow(2);
    this.buf[this.length++] = a;
    this.buf[this.length++] = b;
    return this;
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Appends an unsigned LEB128 of a 32-bit value (0 .. 2^32-1). */
  uleb(n: number): this {
    if (this.length + 5 > this.buf.length) this.grow(5);
    if (n >= 0 && n < 0x80) {
      // One byte: local indices, label depths and small offsets.
      this.buf[this.length++] = n;
      return this;
    }
    let v = n >>> 0;
    do {
      let byte = v & 0x7f;
      v >>>= 7;
      if (v !== 0) byte |= 0x80;
      this.buf[this.length++] = byte;
    } while (v !== 0);
    return this;
  }

  /** Appends byte `op` then the signed LEB128 of `n` (a `*.const` instruction) in one call. */
  opSleb32(op: number, n: number): this {
    if (this.length + 6 > this.buf.length) this.grow(6);
    if (n >= -64 && n < 64) {
      this.buf[this.length++] = op;
      this.buf[this.length++] = n & 0x7f;
      return this;
    }
    this.buf[this.length++] = op;
    return this.sleb32(n);
  }

  /** Appends a signed LEB128 of a 32-bit value (-2^31 .. 2^31-1). */
  sleb32(n: number): this {
    if (this.length + 5 > this.buf.length) this.grow(5);
    if (n >= -64 && n < 64) {
      // One byte: most immediates.
      this.buf[this.length++] = n & 0x7f;
      return this;
    }
    let v = n | 0;
    for (;;) {
      const byte = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
        this.buf[this.length++] = byte;
        return this;
      }
      this.buf[this.length++] = byte | 0x80;
    }
  }

  /**
   * Appends a signed LEB128 of the 64-bit value `hi:lo` (two 32-bit halves, any sign). Values
   * that fit in 32 bits take the fast path; the rest go through a BigInt once.
   */
  sleb64(lo: number, hi: number): this {
    if ((hi | 0) === (lo | 0) >> 31) return this.sleb32(lo);
    let v = BigInt.asIntN(64, (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0));
    this.room(10);
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
        this.buf[this.length++] = byte;
        return this;
      }
      this.buf[this.length++] = byte | 0x80;
    }
  }

  /** Appends a length-prefixed UTF-8 name. */
  name(s: string): this {
    const b = TEXT.encode(s);
    return this.uleb(b.length).bytes(b);
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** A view of the bytes written (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A function body to be placed in the code section. */
export interface FuncBody {
  /** Local declarations after the parameters: runs of `count` locals of one type. */
  readonly locals: ReadonlyArray<readonly [count: number, type: ValTypeCode]>;
  /** The instructions, without the final `end` (the builder appends it). */
  readonly code: Uint8Array;
}

interface FuncImport {
  readonly module: string;
  readonly name: string;
  readonly type: number;
}

/**
 * Builds one module: add types and imports first, then functions and exports, then call
 * {@link ModuleBuilder.bytes}. Function indices count imports first, as the binary format does.
 */
export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly typeBytes: Uint8Array[] = [];
  private readonly funcImports: FuncImport[] = [];
  private memoryImport: { module: string; name: string; min: number; max?: number } | undefined;
  private readonly funcTypes: number[] = [];
  private readonly bodies: FuncBody[] = [];
  private readonly exports: Array<{ name: string; kind: number; index: number }> = [];

  /** Index of the function type `params -> results`, adding it once. */
  type(params: readonly ValTypeCode[], results: readonly ValTypeCode[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    const found = this.types.indexOf(key);
    if (found >= 0) return found;
    const w = new ByteWriter(16).u8(0x60).uleb(params.length);
    for (const p of params) w.u8(p);
    w.uleb(results.length);
    for (const r of results) w.u8(r);
    this.types.push(key);
    this.typeBytes.push(w.toBytes());
    return this.types.length - 1;
  }

  /**
   * Imports a function; returns its function index.
   * @throws {Error} when called after {@link func} (imports must come first).
   */
  importFunc(module: string, name: string, type: number): number {
    if (this.bodies.length > 0) throw new Error('wasm module builder: imports must precede functions');
    this.funcImports.push({ module, name, type });
    return this.funcImports.length - 1;
  }

  /** Imports the module's memory (`min`/`max` in 64 KiB pages). */
  importMemory(module: string, name: string, min: number, max?: number): void {
    this.memoryImport = max === undefined ? { module, name, min } : { module, name, min, max };
  }

  /** Number of imported functions (the index of the first defined function). */
  get importCount(): number {
    return this.funcImports.length;
  }

  /** Index the next {@link func} call will return. */
  get nextFuncIndex(): number {
    return this.funcImports.length + this.bodies.length;
  }

  /** Adds a defined function; returns its function index. */
  func(type: number, body: FuncBody): number {
    this.funcTypes.push(type);
    this.bodies.push(body);
    return this.funcImports.length + this.bodies.length - 1;
  }

  /** Exports function `index` as `name`. */
  exportFunc(name: string, index: number): void {
    this.exports.push({ name, kind: ExternKind.func, index });
  }

  /** The module's binary encoding. */
  bytes(): Uint8Array {
    const out = new ByteWriter(1024);
    out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));

    section(out, Section.type, (w) => {
      w.uleb(this.typeBytes.length);
      for (const t of this.typeBytes) w.bytes(t);
    });

    const importCount = this.funcImports.length + (this.memoryImport ? 1 : 0);
    if (importCount > 0) {
      section(out, Section.import, (w) => {
        w.uleb(importCount);
        for (const imp of this.funcImports) w.name(imp.module).name(imp.name).u8(ExternKind.func).uleb(imp.type);
        const m = this.memoryImport;
        if (m) {
          w.name(m.module).name(m.name).u8(ExternKind.memory);
          if (m.max === undefined) w.u8(0).uleb(m.min);
          else w.u8(1).uleb(m.min).uleb(m.max);
        }
      });
    }

    section(out, Section.function, (w) => {
      w.uleb(this.funcTypes.length);
      for (const t of this.funcTypes) w.uleb(t);
    });

    if (this.exports.length > 0) {
      section(out, Section.export, (w) => {
        w.uleb(this.exports.length);
        for (const e of this.exports) w.name(e.name).u8(e.kind).uleb(e.index);
      });
    }

    section(out, Section.code, (w) => {
      w.uleb(this.bodies.length);
      for (const b of this.bodies) {
        const fw = new ByteWriter(b.code.length + 16);
        fw.uleb(b.locals.length);
        for (const [count, type] of b.locals) fw.uleb(count).u8(type);
        fw.bytes(b.code).u8(0x0b);
        w.uleb(fw.length).bytes(fw.view());
      }
    });
    return out.toBytes();
  }
}

/** Writes section `id` with its byte length prefixed. */
function section(out: ByteWriter, id: number, fill: (w: ByteWriter) => void): void {
  const w = new ByteWriter(64);
  fill(w);
  out.u8(id).uleb(w.length).bytes(w.view());
}
