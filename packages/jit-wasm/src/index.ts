/**
 * `@ebpf/jit-wasm`: compiles verified eBPF programs to WebAssembly over the VM's own memory —
 * the engine `jit-wasm`. Runs wherever WebAssembly does (Node, browsers); no Node built-ins.
 * @packageDocumentation
 */
export { WasmEngine, WASM_ENGINE_NAME, compileLowered, type WasmCompileOptions, type WasmRunnable, type LoweredCompileInput } from './engine.js';
export { registerWasm } from './register.js';
