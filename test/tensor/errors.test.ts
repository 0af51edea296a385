/**
 * A wrong call never kills the process: it throws a JS error naming the op and its arguments.
 * The randomized test makes 12 000 op calls with random (often invalid) shapes, dtypes and arguments and
 * checks each against a shape rule written here: a valid call returns the predicted shape, an invalid one
 * throws, and nothing crashes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type DType, Tensor, cat, conv2d, crossEntropy, foreachAdd_, foreachWelford_, maxPool2d, mseLoss, oneHot, stack, tensor, tidy,
  where, zeros,
} from '../../src/tensor/index.js';
import { native } from '../../src/tensor/native.js';
import { pseudoRandom } from '../helpers.js';

describe('error messages', () => {
  it('shape mismatches name the op and the argument shapes', () => {
    assert.throws(() => zeros([2, 3]).add(zeros([4])), (error: Error) =>
      error.message.startsWith('add(float32[2, 3], float32[4]') && /must match the size/.test(error.message));
    assert.throws(() => zeros([2, 3]).matmul(zeros([2, 3])), /^Error: matmul\(float32\[2, 3\], float32\[2, 3\]\): .*cannot be multiplied/);
  });

  it('out-of-range indices throw instead of reading out of bounds', () => {
    const index = tensor([0, 7], undefined, { dtype: 'int64' });
    assert.throws(() => zeros([3]).indexSelect(0, index), /indexSelect\(float32\[3\], 0, int64\[2\]\): .*out of range/);
    assert.throws(() => zeros([3]).gather(0, index), /gather.*out of bounds/);
    assert.throws(() => zeros([2, 3]).narrow(1, 2, 5), /narrow/);
    assert.throws(() => crossEntropy(zeros([2, 3]), tensor([0, 3], undefined, { dtype: 'int64' })), /out of bounds/);
    assert.throws(() => oneHot(tensor([-1], undefined, { dtype: 'int64' }), 3), /oneHot/);
  });

  it('wrong argument types are TypeErrors in the one template', () => {
    const t = zeros([2]);
    assert.throws(() => t.add({} as unknown as Tensor), { name: 'TypeError', message: 'Expected a Tensor for other but received an object' });
    assert.throws(() => t.sum('0' as unknown as number), { name: 'TypeError', message: 'Expected an array of integers for dims but received "0"' });
    assert.throws(() => zeros([2, -1]), { name: 'TypeError', message: 'Expected an array of non-negative integers for shape but received [2, -1]' });
    assert.throws(() => t.to('float17'), { name: 'TypeError', message: /Expected one of 'float32'.* for target but received "float17"/ });
    assert.throws(() => cat([]), { name: 'TypeError', message: 'Expected a non-empty array of Tensors for tensors but received []' });
  });

  it('the native layer refuses foreign objects even when the TS layer is bypassed', () => {
    const fake = {} as never;
    assert.throws(() => native.add(fake, fake), { name: 'TypeError', message: /^add\(<object>, <object>\): Expected a tensor for input/ });
    assert.throws(() => native.exp(native.createGenerator(1) as never), { name: 'TypeError' });
    assert.throws(() => native.sum(native.zeros([2]), [1.5] as never, false), { name: 'TypeError', message: /Expected an integer for dims/ });
    assert.throws(() => native.fromTypedArray(new Float32Array(3), [2, 2]), /shape has 4 elements but data has 3/);
  });

  it('a disposed tensor throws "Tensor has been disposed"; dispose is idempotent', () => {
    const t = zeros([2]);
    t.dispose();
    t.dispose();
    assert.equal(t.isDisposed, true);
    assert.throws(() => t.exp(), /^Error: exp\(<disposed tensor>\): Tensor has been disposed/);
    assert.throws(() => zeros([2]).add(t), /Tensor has been disposed/);
  });
});

// ── the randomized test ──────────────────────────────────────────────────────────────────────────
type Shape = number[];
type Expected = Shape | 'invalid' | 'unknown';

const DTYPE_POOL: DType[] = ['float32', 'float32', 'float32', 'float64', 'int64', 'int32', 'bool', 'uint8'];

class Random {
  private values: number[] = [];
  private next = 0;
  constructor(private seed: number) {}
  float(): number {
    if (this.next >= this.values.length) {
      this.values = pseudoRandom(4096, this.seed++);
      this.next = 0;
    }
    return (this.values[this.next++]! + 1) / 2;
  }
  int(low: number, high: number): number {
    return low + Math.floor(this.float() * (high - low + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
}

function broadcast(a: Shape, b: Shape): Shape | 'invalid' {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return 'invalid';
    out.push(x === 1 ? y : x);
  }
  return out;
}

function wrapDim(dim: number, rank: number): number | undefined {
  const effective = Math.max(rank, 1);
  if (dim < -effective || dim >= effective) return undefined;
  return dim < 0 ? dim + effective : dim;
}

function reduced(shape: Shape, dim: number, keepdim: boolean): Expected {
  const d = wrapDim(dim, shape.length);
  if (d === undefined) return 'invalid';
  if (shape.length === 0) return [];
  return keepdim ? shape.map((size, i) => (i === d ? 1 : size)) : shape.filter((_, i) => i !== d);
}

/** An in-place op keeps self's shape: other must broadcast to exactly it. */
function inPlace(self: Shape, other: Shape): boolean {
  const shape = broadcast(self, other);
  return shape !== 'invalid' && shape.length === self.length && shape.every((size, i) => size === self[i]);
}

const numel = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const isFloat = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'float64';

interface Case {
  name: string;
  run: () => unknown;
  expected: Expected;
  /** True when a valid call may still throw (dtype rules, empty reductions …). */
  mayThrow: boolean;
}

function makeCase(random: Random, make: (shape: Shape, dtype?: DType) => Tensor): Case {
  const randomShape = (maxRank = 3): Shape => Array.from({ length: random.int(0, maxRank) }, () => random.int(random.chance(0.1) ? 0 : 1, 3));
  const anyTensor = (shape = randomShape()): Tensor => make(shape, random.pick(DTYPE_POOL));
  const floatTensor = (shape = randomShape()): Tensor => make(shape, 'float32');
  const x = random.chance(0.7) ? floatTensor() : anyTensor();
  const s = [...x.shape];
  const floatOnly = (...inputs: Tensor[]): boolean => !inputs.every((t) => t.dtype === inputs[0]!.dtype && isFloat(t));
  const dim = random.int(-4, 3);
  const keepdim = random.chance(0.5);
  const kind = random.int(0, 29);
  switch (kind) {
    case 0: {
      const op = random.pick(['exp', 'tanh', 'relu', 'sigmoid', 'abs', 'neg', 'sqrt', 'log', 'floor', 'square', 'erf'] as const);
      return { name: op, run: () => x[op](), expected: s, mayThrow: !isFloat(x) };
    }
    case 1: case 2: {
      const other = random.chance(0.6) ? floatTensor(random.chance(0.5) ? s.slice(random.int(0, s.length)) : randomShape()) : anyTensor();
      const op = random.pick(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'eq', 'lt', 'atan2'] as const);
      return { name: op, run: () => x[op](other), expected: broadcast(s, [...other.shape]), mayThrow: floatOnly(x, other) };
    }
    case 3: {
      const op = random.pick(['sum', 'mean', 'var', 'std', 'logsumexp'] as const);
      const run = (): Tensor => op === 'logsumexp' ? x.logsumexp(dim, keepdim) : op === 'var' || op === 'std' ? x[op](dim, true, keepdim) : x[op](dim, keepdim);
      return { name: op === 'std' ? 'stdDev' : op, run, expected: reduced(s, dim, keepdim), mayThrow: !isFloat(x) };
    }
    case 4: {
      const op = random.pick(['max', 'min', 'argmax'] as const);
      const d = wrapDim(dim, s.length);
      const emptyReduction = numel(s) === 0 && (s.length === 0 || d === undefined || s[d] === 0 || s.some((size) => size === 0));
      return { name: op === 'argmax' ? op : `a${op}`, run: () => (op === 'argmax' ? x.argmax(dim, keepdim) : x[op](dim, keepdim)), expected: reduced(s, dim, keepdim), mayThrow: emptyReduction || x.dtype === 'bool' };
    }
    case 5: {
      const op = random.pick(['softmax', 'logSoftmax', 'cumsum'] as const);
      return { name: op, run: () => x[op](dim), expected: wrapDim(dim, s.length) === undefined ? 'invalid' : s, mayThrow: !isFloat(x) };
    }
    case 6: {
      const target = random.chance(0.5) ? [...s].reverse() : randomShape();
      if (random.chance(0.3)) target[random.int(0, Math.max(0, target.length - 1))] = -1;
      const known = numel(target.filter((size) => size !== -1));
      const inferred = target.includes(-1) ? (known === 0 ? undefined : numel(s) / known) : undefined;
      const resolved = target.map((size) => (size === -1 ? inferred : size));
      const valid = resolved.every((size) => size !== undefined && Number.isInteger(size)) && numel(resolved as Shape) === numel(s);
      return { name: 'reshape', run: () => x.reshape(target), expected: valid ? (resolved as Shape) : 'invalid', mayThrow: false };
    }
    case 7: {
      const dims = Array.from({ length: random.int(0, 3) }, () => random.int(-1, 3));
      const sorted = dims.map((d) => (d < 0 ? d + s.length : d)).sort();
      const valid = dims.length === s.length && sorted.every((d, i) => d === i);
      return { name: 'permute', run: () => x.permute(dims), expected: valid ? sorted.map((_, i) => s[(dims[i]! + s.length) % Math.max(s.length, 1)]!) : 'invalid', mayThrow: false };
    }
    case 8: {
      const other = random.int(-3, 2);
      const a = wrapDim(dim, s.length);
      const b = wrapDim(other, s.length);
      if (a === undefined || b === undefined) return { name: 'transpose', run: () => x.transpose(dim, other), expected: 'invalid', mayThrow: false };
      const out = [...s];
      if (s.length > 0) [out[a], out[b]] = [s[b]!, s[a]!];
      return { name: 'transpose', run: () => x.transpose(dim, other), expected: out, mayThrow: false };
    }
    case 9: {
      const start = random.int(-2, 3);
      const length = random.int(-1, 3);
      const d = s.length === 0 ? undefined : wrapDim(dim, s.length);
      let expected: Expected = 'invalid';
      if (d !== undefined) {
        // libtorch wraps start like a dim index (a size-0 dim wraps as if of size 1); start = size is allowed.
        const size = s[d]!;
        const begin = start === size ? size : wrapDim(start, size);
        if (begin !== undefined && length >= 0 && begin + length <= size) expected = s.map((v, i) => (i === d ? length : v));
      }
      return { name: 'narrow', run: () => x.narrow(dim, start, length), expected, mayThrow: false };
    }
    case 10: {
      const values = Array.from({ length: random.int(0, 4) }, () => random.int(-1, 3));
      const index = tensor(values, [values.length], { dtype: 'int64' });
      const d = s.length === 0 ? undefined : wrapDim(dim, s.length);
      const valid = d !== undefined && values.every((v) => v >= 0 && v < s[d]!);
      return { name: 'indexSelect', run: () => x.indexSelect(dim, index), expected: s.length === 0 ? 'unknown' : valid ? s.map((v, i) => (i === d ? values.length : v)) : 'invalid', mayThrow: false };
    }
    case 11: {
      const indexShape = s.map((size) => random.int(0, size + (random.chance(0.2) ? 1 : 0)));
      const d = wrapDim(dim, s.length);
      const limit = d === undefined ? 1 : (s[d] ?? 1);
      const values = Array.from({ length: numel(indexShape) }, () => random.int(random.chance(0.1) ? -1 : 0, limit - (random.chance(0.1) ? 0 : 1)));
      const index = tensor(values, indexShape, { dtype: 'int64' });
      const valid = s.length > 0 && d !== undefined && indexShape.every((size, i) => i === d || size <= s[i]!) && values.every((v) => v >= 0 && v < limit);
      // An empty index is returned as is without the size checks.
      const expected: Expected = s.length === 0 || values.length === 0 ? 'unknown' : valid ? indexShape : 'invalid';
      return { name: 'gather', run: () => x.gather(dim, index), expected, mayThrow: false };
    }
    case 12: {
      const y = random.chance(0.6) ? make(s.map((size, i) => (i === wrapDim(dim, s.length) ? random.int(0, 2) : size)), x.dtype) : anyTensor();
      const ys = [...y.shape];
      const d = wrapDim(dim, s.length);
      const legacyEmpty = (sh: Shape): boolean => sh.length === 1 && sh[0] === 0;
      let expected: Expected = 'invalid';
      if (legacyEmpty(s) || legacyEmpty(ys) || s.length === 0 || ys.length === 0) expected = 'unknown';
      else if (d !== undefined && s.length === ys.length && s.every((size, i) => i === d || size === ys[i])) expected = s.map((size, i) => (i === d ? size + ys[i]! : size));
      return { name: 'cat', run: () => cat([x, y], dim), expected, mayThrow: false };
    }
    case 13: {
      const y = random.chance(0.6) ? make(s, x.dtype) : anyTensor();
      const d = dim < 0 ? dim + s.length + 1 : dim;
      const valid = d >= 0 && d <= s.length && s.length === y.shape.length && s.every((size, i) => size === y.shape[i]);
      return { name: 'stack', run: () => stack([x, y], dim), expected: valid ? [...s.slice(0, d), 2, ...s.slice(d)] : 'invalid', mayThrow: false };
    }
    case 14: {
      const k = random.int(0, 3);
      const y = random.chance(0.7) ? floatTensor([s[s.length - 1] ?? 2, k]) : anyTensor();
      const ys = [...y.shape];
      const valid = s.length === 2 && ys.length === 2 && s[1] === ys[0];
      return { name: 'mm', run: () => x.mm(y), expected: valid ? [s[0]!, ys[1]!] : 'invalid', mayThrow: floatOnly(x, y) };
    }
    case 15: {
      const start = random.int(-2, 2);
      const end = random.int(-2, 2);
      const a = wrapDim(start, s.length);
      const b = wrapDim(end, s.length);
      let expected: Expected = 'invalid';
      if (a !== undefined && b !== undefined && a <= b) expected = s.length === 0 ? [1] : [...s.slice(0, a), numel(s.slice(a, b + 1)), ...s.slice(b + 1)];
      return { name: 'flatten', run: () => x.flatten(start, end), expected, mayThrow: false };
    }
    case 16: {
      const d = wrapDim(dim, s.length);
      return { name: 'squeeze', run: () => x.squeeze(dim), expected: d === undefined ? 'invalid' : s.filter((size, i) => !(i === d && size === 1)), mayThrow: false };
    }
    case 17: {
      const d = dim < 0 ? dim + s.length + 1 : dim;
      return { name: 'unsqueeze', run: () => x.unsqueeze(dim), expected: d >= 0 && d <= s.length ? [...s.slice(0, d), 1, ...s.slice(d)] : 'invalid', mayThrow: false };
    }
    case 18: {
      const target = [random.int(1, 3), ...s.map((size) => (random.chance(0.7) ? size : random.int(1, 3)))];
      const valid = s.every((size, i) => size === 1 || size === target[i + 1]);
      const expected = target.map((size, i) => (i > 0 && s[i - 1] !== 1 ? s[i - 1]! : size));
      return { name: 'expand', run: () => x.expand(target), expected: valid ? expected : 'invalid', mayThrow: false };
    }
    case 19: {
      const input = random.chance(0.7) ? floatTensor([random.int(1, 2), random.int(1, 3), random.int(1, 5), random.int(1, 5)]) : x;
      const is = [...input.shape];
      const weight = floatTensor([random.int(1, 3), random.chance(0.8) ? (is[1] ?? 1) : random.int(1, 3), random.int(1, 3), random.int(1, 3)]);
      const ws = [...weight.shape];
      const valid = is.length === 4 && is[1] === ws[1] && is[2]! >= ws[2]! && is[3]! >= ws[3]!;
      return { name: 'conv2d', run: () => conv2d(input, weight), expected: valid ? [is[0]!, ws[0]!, is[2]! - ws[2]! + 1, is[3]! - ws[3]! + 1] : is.length === 3 ? 'unknown' : 'invalid', mayThrow: floatOnly(input, weight) };
    }
    case 20: {
      const kernel = random.int(1, 3);
      const valid = (s.length === 3 || s.length === 4) && s.slice(-2).every((size) => size >= kernel) && s.slice(0, -2).every((size) => size > 0);
      return { name: 'maxPool2d', run: () => maxPool2d(x, kernel), expected: valid ? [...s.slice(0, -2), ...s.slice(-2).map((size) => Math.floor(size / kernel))] : 'unknown', mayThrow: !isFloat(x) };
    }
    case 21: {
      const classes = random.int(1, 4);
      const labels = Array.from({ length: random.int(0, 4) }, () => random.int(-1, classes));
      const input = tensor(labels, [labels.length], { dtype: 'int64' });
      const valid = labels.every((label) => label >= 0 && label < classes);
      return { name: 'oneHot', run: () => oneHot(input, classes), expected: valid ? [labels.length, classes] : 'invalid', mayThrow: false };
    }
    case 22: {
      const rows = s[0] ?? 1;
      const classes = s[1] ?? 1;
      const labels = Array.from({ length: random.chance(0.8) ? rows : random.int(0, 3) }, () => random.int(random.chance(0.1) ? -1 : 0, classes - (random.chance(0.1) ? 0 : 1)));
      const target = tensor(labels, [labels.length], { dtype: 'int64' });
      const valid = s.length === 2 && labels.length === rows && labels.every((label) => label >= 0 && label < classes);
      return { name: 'crossEntropy', run: () => crossEntropy(x, target), expected: valid ? [] : s.length === 2 ? 'invalid' : 'unknown', mayThrow: !isFloat(x) };
    }
    case 23: {
      const y = random.chance(0.6) ? make(s, x.dtype) : anyTensor();
      return { name: 'mseLoss', run: () => mseLoss(x, y), expected: broadcast(s, [...y.shape]) === 'invalid' ? 'invalid' : [], mayThrow: floatOnly(x, y) };
    }
    case 24: {
      const condition = make(random.chance(0.5) ? s : randomShape(), 'bool');
      const y = floatTensor(randomShape());
      const shape = broadcast([...condition.shape], s);
      return { name: 'where', run: () => where(condition, x, y), expected: shape === 'invalid' ? 'invalid' : broadcast(shape, [...y.shape]), mayThrow: floatOnly(x, y) };
    }
    case 25: {
      const y = random.chance(0.6) ? make(s.slice(random.int(0, s.length)), x.dtype) : anyTensor();
      return { name: 'add_', run: () => x.add_(y), expected: inPlace(s, [...y.shape]) ? s : 'invalid', mayThrow: floatOnly(x, y) };
    }
    case 26: {
      const d = s.length === 0 ? undefined : wrapDim(dim, s.length);
      const op = random.pick(['sort', 'unique', 'topk'] as const);
      if (op === 'unique') return { name: 'unique', run: () => x.unique(dim).values, expected: 'unknown', mayThrow: true };
      if (op === 'sort') return { name: 'sort', run: () => x.sort(dim).values, expected: d === undefined && s.length > 0 ? 'invalid' : s, mayThrow: x.dtype === 'bool' || s.length === 0 };
      const k = random.int(0, 3);
      const valid = d !== undefined && k <= s[d]!;
      return { name: 'topk', run: () => x.topk(k, dim).values, expected: s.length === 0 ? 'unknown' : valid ? s.map((size, i) => (i === d ? k : size)) : 'invalid', mayThrow: !isFloat(x) };
    }
    case 27: {
      const a = random.chance(0.6) ? make(s, x.dtype) : anyTensor();
      const b = random.chance(0.3) ? 0.5 : random.chance(0.6) ? make(s.slice(random.int(0, s.length)), x.dtype) : anyTensor();
      const shape = typeof b === 'number' ? [...a.shape] : broadcast([...a.shape], [...b.shape]);
      const valid = shape !== 'invalid' && shape.length === s.length && shape.every((size, i) => size === s[i]);
      return { name: 'mulOut', run: () => x.mulFrom_(a, b), expected: valid ? s : 'invalid', mayThrow: typeof b === 'number' ? floatOnly(x, a) : floatOnly(x, a, b) };
    }
    case 28: {
      const m2 = random.chance(0.8) ? make(s, x.dtype) : anyTensor();
      const sample = random.chance(0.8) ? make(s, x.dtype) : anyTensor();
      const count = random.int(-1, 3);
      const valid = count >= 1 && [m2, sample].every((t) => t.shape.length === s.length && t.shape.every((size, i) => size === s[i]));
      return { name: 'foreachWelford_', run: () => { foreachWelford_([x], [m2], [sample], count); return x; }, expected: valid ? s : 'invalid', mayThrow: floatOnly(x, m2, sample) };
    }
    default: {
      const params = [make(s, x.dtype), floatTensor(randomShape())];
      const others = [make(s, x.dtype), random.chance(0.7) ? make([...params[1]!.shape], 'float32') : floatTensor(randomShape())];
      const valid = params.every((p, i) => inPlace([...p.shape], [...others[i]!.shape]));
      return { name: 'foreachAdd_', run: () => { foreachAdd_(params, others, 0.5); return params[0]; }, expected: valid ? s : 'invalid', mayThrow: floatOnly(x) };
    }
  }
}

/** Replaces an argument with something that is not a live tensor. */
function poison(random: Random): unknown {
  return random.pick([{}, 'tensor', undefined, null, [1, 2], (() => { const t = zeros([2]); t.dispose(); return t; })()]);
}

describe('randomized op calls', () => {
  it('12 000 random calls each return the predicted shape or throw a JS error; the process survives', () => {
    const random = new Random(2024);
    const counts = { returned: 0, threw: 0, poisoned: 0 };
    const make = (shape: Shape, dtype: DType = 'float32'): Tensor => tidy(() => {
      const values = pseudoRandom(numel(shape), random.int(0, 1e6)).map((v) => (dtype === 'bool' ? Number(v > 0) : dtype.startsWith('float') ? v * 3 : Math.round(v * 3)));
      return tensor(values.length === 0 ? new Float64Array(0) : new Float64Array(values), shape, { dtype });
    });
    for (let call = 0; call < 12000; call++) {
      tidy(() => {
        const testCase = makeCase(random, make);
        let run = testCase.run;
        const poisoned = random.chance(0.05);
        if (poisoned) {
          counts.poisoned++;
          const bad = poison(random);
          run = () => (zeros([2]) as unknown as { add(x: unknown): Tensor }).add(bad);
        }
        let result: unknown;
        try {
          result = run();
        } catch (error) {
          counts.threw++;
          assert.ok(error instanceof Error, `${testCase.name} threw a non-Error: ${String(error)}`);
          if (poisoned) return;
          assert.ok(error.message.length > 0);
          const namesOp = error.message.startsWith(`${testCase.name}(`) || error.message.startsWith('Expected ');
          assert.ok(namesOp, `${testCase.name}: message does not name the op: ${error.message}`);
          const allowed = testCase.expected === 'invalid' || testCase.expected === 'unknown' || testCase.mayThrow;
          assert.ok(allowed, `call ${call}: ${testCase.name} threw for a valid call (expected [${String(testCase.expected)}]): ${error.message}`);
          return;
        }
        counts.returned++;
        if (poisoned) assert.fail(`call ${call}: adding a poisoned argument returned`);
        assert.ok(result instanceof Tensor, `${testCase.name} returned a non-Tensor`);
        assert.notEqual(testCase.expected, 'invalid', `call ${call}: ${testCase.name} returned shape [${result.shape.join(', ')}] for an invalid call`);
        if (testCase.expected !== 'unknown') {
          assert.deepEqual([...result.shape], testCase.expected, `call ${call}: ${testCase.name} returned the wrong shape`);
        }
      });
    }
    assert.equal(counts.returned + counts.threw, 12000);
    assert.ok(counts.returned > 3000 && counts.threw > 2000, `a useful mix of valid and invalid calls: ${JSON.stringify(counts)}`);
  });
});
