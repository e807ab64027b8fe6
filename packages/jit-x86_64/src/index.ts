/**
 * `@ebpf/jit-x86_64`: the native x86-64 JIT. {@link X86Engine} compiles verified programs into
 * real machine code (mapped write-then-execute through koffi) and runs it; on hosts that cannot
 * run native code it says why. {@link registerX86} adds it to a runtime's container;
 * {@link disassembleJited} shows the generated code next to the eBPF it came from.
 * @packageDocumentation
 */
export { X86Engine, type X86EngineOptions } from './engine.js';
export { X86Runnable, ENGINE_NAME, compileNative, type NativeOptions, type NativeProgram } from './compile.js';
export { registerX86 } from './register.js';
export { disassembleJited, formatJited, jitProgram, type JitedInsn, type JitedListing, type JitedX86, type JitProgramOptions } from './disasm-jited.js';
export { haveObjdump, objdumpX86, type X86Line } from './objdump.js';
