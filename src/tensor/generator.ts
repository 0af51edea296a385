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
