import { moduleFromBase64 } from '@faasm/abi';
import type { Kind } from './layout.js';
import { KERNELS_WASM } from './kernels-wasm.js';
import { elementBytes, kernelName, simdInstruction } from './kernels.js';
import type { Combine } from './reduce.js';

type Kernel = (a: number, b: number, vectors: number) => void;

/**
 * The SIMD reduction kernels (kernels.ts) instantiated over one guest memory. A
 * combine they serve runs the kernel when both operands are views of that memory and
 * the JavaScript combine for everything else (host buffers, the last partial vector).
 */
export class SimdKernels {
  readonly #kernels: Record<string, Kernel>;

  private constructor(
    readonly memory: WebAssembly.Memory,
    exports: WebAssembly.Exports,
  ) {
    this.#kernels = exports as Record<string, Kernel>;
  }

  /** Kernels over `memory`, or undefined where the engine lacks WebAssembly SIMD. */
  static over(memory: WebAssembly.Memory): SimdKernels | undefined {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const module = moduleFromBase64(shared ? KERNELS_WASM.shared : KERNELS_WASM.plain);
      return new SimdKernels(memory, new WebAssembly.Instance(module, { env: { memory } }).exports);
    } catch {
      return undefined;
    }
  }

  /** `fallback` (b := a op b on `kind` items) with the kernel on guest views, or undefined if no kernel exists. */
  combine(op: number, kind: Kind, fallback: Combine): Combine | undefined {
    const ins = simdInstruction(op, kind);
    const size = elementBytes(kind);
    if (ins === undefined || size === undefined) return undefined;
    const kernel = this.#kernels[kernelName(ins)]!;
    const memory = this.memory;
    const perVector = 16 / size;
    return (a8, b8, count) => {
      const buffer = memory.buffer;
      if (a8.buffer !== buffer || b8.buffer !== buffer) return fallback(a8, b8, count);
      const vectors = Math.floor(count / perVector);
      if (vectors > 0) kernel(a8.byteOffset, b8.byteOffset, vectors);
      const rest = count - vectors * perVector;
      if (rest > 0) fallback(a8.subarray(vectors * 16), b8.subarray(vectors * 16), rest);
    };
  }
}
