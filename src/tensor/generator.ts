/** Seeded random-number generators: all randomness flows from an explicit seed passed down. */
import { native, type GeneratorHandle } from './native.js';
import { checkNonNegativeInteger, invalid } from './validate.js';

/**
 * A libtorch CPU generator with its own state, so that two consumers seeded alike (model init, data
 * shuffling) never disturb each other.
 *
 * @example
 * const generator = new Generator(42);
 * const weights = randn([784, 1024], { generator });
 */
export class Generator {
  readonly seed: number;
  readonly handle: GeneratorHandle;

  constructor(seed: number) {
    this.seed = checkNonNegativeInteger(seed, 'seed');
    this.handle = native.createGenerator(seed);
  }
}

/** The native handle of an optional generator argument. */
export function generatorHandleOf(generator: unknown): GeneratorHandle | undefined {
  if (generator === undefined || generator === null) return undefined;
  if (!(generator instanceof Generator)) invalid('a Generator', 'generator', generator);
  return generator.handle;
}

/** Seeds libtorch's global generator (used by random ops given no generator). */
export function manualSeed(seed: number): void {
  native.manualSeed(checkNonNegativeInteger(seed, 'seed'));
}

/**
 * A seed for one purpose derived from a run's seed (FNV-1a over the purpose, mixed with the seed), so one
 * user-facing seed drives independent streams — weights, dropout, shuffling — that never share draws.
 *
 * @example new Generator(deriveSeed(seed, 'init'))
 */
export function deriveSeed(seed: number, purpose: string): number {
  checkNonNegativeInteger(seed, 'seed');
  let hash = 0x811c9dc5;
  for (const char of `${purpose}:${seed}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // 2^21 × 2^32 < 2^53: the result stays an exact non-negative integer.
  return (seed % 2 ** 21) * 2 ** 32 + hash;
}
