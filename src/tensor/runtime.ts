/** Engine facts and settings: version, BLAS, threads, devices, live tensors. */
import { readFileSync } from 'node:fs';
import { native } from './native.js';
import { checkPositiveInteger } from './validate.js';

/** Sets libtorch's intra-op thread count (set at load to every core, or to $INFOPLANE_THREADS). */
export function setNumThreads(threads: number): void {
  native.setNumThreads(checkPositiveInteger(threads, 'threads'));
}
export function getNumThreads(): number {
  return native.getNumThreads();
}
/**
 * Flushes subnormal floats to zero (FTZ/DAZ) on the calling thread — faster arithmetic near underflow at
 * the cost of IEEE subnormals. Off by default. Returns whether the CPU supports it.
 */
export function setFlushDenormal(enabled: boolean): boolean {
  return native.setFlushDenormal(enabled);
}
/** Tensors alive in native memory (not yet disposed or collected). */
export function liveTensorCount(): number {
  return native.liveTensors();
}
/**
 * The glibc allocator settings the addon applies at load (mallopt in native/src/addon.cc), in
 * GLIBC_TUNABLES form, so that a baseline process (C++, PyTorch) can be measured with the same ones.
 */
export const ALLOCATOR_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824';

/** The environment for a baseline process measured beside the engine: same OpenMP, OpenBLAS and allocator settings. */
export function baselineEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GLIBC_TUNABLES: process.env['GLIBC_TUNABLES'] ?? ALLOCATOR_TUNABLES };
}

/** Bytes of native memory reported to V8 (which paces its garbage collections by it). */
export function externalMemoryBytes(): number {
  return native.externalMemory();
}
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

export interface EngineInfo {
  libtorchVersion: string;
  /** The shared BLAS library mapped into this process (the one matmul really calls). */
  blasLibrary: string | undefined;
  /** OpenBLAS's kernel family, build configuration and thread count, when OpenBLAS is the BLAS. */
  blasCore: string | undefined;
  blasConfig: string | undefined;
  blasThreads: number | undefined;
  /** libtorch's intra-op threads. */
  threads: number;
  parallelBackend: string;
  ompWaitPolicy: string | undefined;
  /** OPENBLAS_CORETYPE as set before load (see native.ts). */
  openblasCoreType: string | undefined;
  devices: string[];
}

function loadedLibrary(pattern: RegExp): string | undefined {
  try {
    // The maps file lists every shared object mapped into this process: the BLAS actually in use.
    const maps = readFileSync('/proc/self/maps', 'utf8');
    return maps.split('\n').map((line) => line.split(/\s+/).at(-1) ?? '').find((file) => pattern.test(file));
  } catch {
    return undefined;
  }
}

/** What the engine is running on. */
export function engineInfo(): EngineInfo {
  const parallel = native.parallelInfo();
  const blas = native.blasInfo();
  const gpus = native.cudaDeviceCount();
  return {
    libtorchVersion: native.version(),
    blasLibrary: loadedLibrary(/lib(open)?blas[^/]*\.so/),
    blasCore: blas.coreName ?? undefined,
    blasConfig: blas.config?.trim() ?? undefined,
    blasThreads: blas.threads ?? undefined,
    threads: native.getNumThreads(),
    parallelBackend: /ATen parallel backend: (.+)/.exec(parallel)?.[1]?.trim() ?? 'unknown',
    ompWaitPolicy: process.env['OMP_WAIT_POLICY'],
    openblasCoreType: process.env['OPENBLAS_CORETYPE'],
    devices: ['cpu', ...Array.from({ length: gpus }, (_, index) => `cuda:${index}`)],
  };
}

/**
 * Measured float32 matmul throughput, GFLOP/s, for size×size by size×size (median of `repeats` timed
 * products after one warm-up).
 *
 * @example matmulGflops(2048) // ≈ 280 on a 2-core AVX-512 Xeon
 */
export function matmulGflops(size: number, repeats = 5): number {
  return matmulThroughput(size, repeats).gflops;
}

/**
 * The measurement behind `matmulGflops`: the floating-point operations of one product (2·size³), the
 * median seconds of `repeats` timed products after a warm-up, and their ratio in GFLOP/s.
 */
export function matmulThroughput(size: number, repeats = 5): { flops: number; seconds: number; gflops: number } {
  checkPositiveInteger(size, 'size');
  const matrix = native.rand([size, size], undefined, 'float32');
  const seconds: number[] = [];
  try {
    for (let run = 0; run <= repeats; run++) {
      const start = process.hrtime.bigint();
      native.dispose(native.mm(matrix, matrix));
      if (run > 0) seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  } finally {
    native.dispose(matrix);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  return { flops: 2 * size ** 3, seconds: median, gflops: (2 * size ** 3) / median / 1e9 };
}
