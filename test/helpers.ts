/** Shared test helpers: numeric closeness, a finite-difference gradient check, garbage collection. */
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Tensor, noGrad, tensor, tidy } from '../src/tensor/index.js';

/** Asserts two number lists agree elementwise within an absolute + relative tolerance. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6, message = ''): void {
  assert.equal(actual.length, expected.length, `${message} length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= tolerance * (1 + Math.abs(e));
    assert.ok(ok, `${message} element ${i}: ${a} ≠ ${e} (tolerance ${tolerance})\nactual   ${Array.from(actual).join(', ')}\nexpected ${Array.from(expected).join(', ')}`);
  }
}

/** Asserts a tensor's shape and values. */
export function assertTensor(actual: Tensor, shape: readonly number[], values: ArrayLike<number>, tolerance = 1e-6): void {
  assert.deepEqual([...actual.shape], [...shape], `shape [${actual.shape.join(', ')}] ≠ [${shape.join(', ')}]`);
  assertClose(actual.toNumbers(), values, tolerance);
}

/** Deterministic pseudo-random numbers in (−1, 1) without the engine (mulberry32). */
export function pseudoRandom(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values.push(((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1);
  }
  return values;
}

/** A float64 tensor of the given shape with pseudo-random values in (lo, hi). */
export function randomInput(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = pseudoRandom(count, seed).map((v) => lo + ((v + 1) / 2) * (hi - lo));
  return tensor(new Float64Array(values), shape);
}

/**
 * Checks autograd against central finite differences in float64: for a fixed random weighting w of the
 * output, compares d(Σ w·f(x))/dx from `backward` with (g(x + h) − g(x − h)) / 2h elementwise.
 */
export function gradcheck(name: string, fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], tolerance = 1e-6, step = 1e-6): void {
  tidy(() => {
    const leaves = inputs.map((input) => input.to('float64').detach().requiresGrad_());
    const output = fn(...leaves);
    const weights = randomInput(output.shape, 99);
    output.mul(weights).sum().backward();
    const objective = (): number => noGrad(() => tidy(() => fn(...leaves).mul(weights).sum().item()));
    leaves.forEach((leaf, index) => {
      const analytic = leaf.grad?.toNumbers() ?? new Array<number>(leaf.numel).fill(0);
      const numeric: number[] = [];
      const flat = noGrad(() => leaf.view([-1]));
      for (let i = 0; i < leaf.numel; i++) {
        const element = noGrad(() => flat.narrow(0, i, 1));
        const original = element.item();
        noGrad(() => element.fill_(original + step));
        const plus = objective();
        noGrad(() => element.fill_(original - step));
        const minus = objective();
        noGrad(() => element.fill_(original));
        numeric.push((plus - minus) / (2 * step));
      }
      assertClose(analytic, numeric, tolerance, `${name}: gradient of input ${index}`);
    });
  });
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Runs V8's garbage collector and lets the Node-API finalizers it queues run (on later turns of the loop). */
export async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
