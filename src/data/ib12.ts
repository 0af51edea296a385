/**
 * The 12-bit information-bottleneck task of Shwartz-Ziv & Tishby (2017): every one of the 4096 binary
 * patterns of 12 inputs once, two classes. Their inputs stand for 12 uniformly spread points on a sphere
 * and the label thresholds a spherically symmetric function of the active points.
 *
 * `generateIb12(seed)` builds a task of that kind by a documented rule:
 * 1. The 12 inputs are the 12 vertices v₁…v₁₂ of a regular icosahedron (the one configuration of 12
 *    points on the sphere that is exactly uniform). Between two distinct vertices the inner product is
 *    1/√5, −1/√5 or −1 (antipodal).
 * 2. For a pattern x ∈ {0,1}¹², f(x) = Σᵢ Σⱼ xᵢxⱼ·k(vᵢ·vⱼ): it depends on the active points only through
 *    their inner products, so it is invariant under the icosahedron's rotations. The kernel k takes one
 *    value per inner product (1, 1/√5, −1/√5, −1), drawn from N(0, 1) by the seed.
 * 3. y = 1 when f(x) > θ, with θ the median of f over all patterns, so the classes are balanced up to
 *    patterns tied at θ (which keep one label, never split).
 *
 * `loadIb12Mat(path)` reads the published `var_u.mat` (F 4096×12, y 1×4096) instead: the dataset of
 * Shwartz-Ziv & Tishby's and Saxe et al.'s figures. The repository ships a copy (`datasets/var_u.mat`,
 * from ibsgd, MIT License; see `datasets/NOTICE`), at `PUBLISHED_IB12`.
 */
import { fileURLToPath } from 'node:url';
import { type Dataset, checkDataset } from './dataset.js';
import { Generator, keep, randn, tensor, tidy } from '../tensor/index.js';
import { readMat } from './mat.js';

const GOLDEN = (1 + Math.sqrt(5)) / 2;

/** The 12 unit vertices of a regular icosahedron: the cyclic permutations of (0, ±1, ±φ), normalised. */
export function icosahedronVertices(): number[][] {
  const vertices: number[][] = [];
  for (const a of [-1, 1]) {
    for (const b of [-GOLDEN, GOLDEN]) {
      vertices.push([0, a, b], [a, b, 0], [b, 0, a]);
    }
  }
  const norm = Math.sqrt(1 + GOLDEN * GOLDEN);
  return vertices.map((v) => v.map((c) => c / norm));
}

/** Which of the four kernel values applies to an inner product between vertices. */
function innerProductClass(dot: number): number {
  if (dot > 0.99) return 0;
  if (dot > 0) return 1;
  if (dot > -0.99) return 2;
  return 3;
}

/** All 4096 patterns, row r holding the bits of r (bit i = input i), as numbers. */
export function allPatterns(): number[][] {
  return Array.from({ length: 4096 }, (_, r) => Array.from({ length: 12 }, (_, i) => (r >> i) & 1));
}

/**
 * A 12-bit IB task by the rule above.
 *
 * @example const data = generateIb12(0); // 4096 patterns, 2 classes, about half of each
 */
export function generateIb12(seed: number): Dataset & { threshold: number; kernel: number[] } {
  const kernel = tidy(() => randn([4], { generator: new Generator(seed), dtype: 'float64' }).toNumbers());
  const vertices = icosahedronVertices();
  const classes = vertices.map((u) => vertices.map((v) => innerProductClass(u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!)));
  const patterns = allPatterns();
  const scores = patterns.map((x) => {
    let score = 0;
    for (let i = 0; i < 12; i++) {
      if (!x[i]) continue;
      for (let j = 0; j < 12; j++) if (x[j]) score += kernel[classes[i]![j]!]!;
    }
    return score;
  });
  const sorted = [...scores].sort((a, b) => a - b);
  const threshold = (sorted[2047]! + sorted[2048]!) / 2;
  const labels = scores.map((score) => (score > threshold ? 1 : 0));
  return {
    ...checkDataset({
      name: `ib12 (generated, seed ${seed})`,
      inputs: keep(tensor(patterns, undefined, { dtype: 'float32' })),
      labels: keep(tensor(labels, undefined, { dtype: 'int64' })),
      numClasses: 2,
    }),
    threshold,
    kernel,
  };
}

/** The repository's copy of the published var_u.mat (resolved from build/src/data/, where this runs). */
export const PUBLISHED_IB12 = fileURLToPath(new URL('../../../datasets/var_u.mat', import.meta.url));

/** The published 12-bit dataset from a MATLAB file holding F (4096×12) and y (1×4096 or 4096×1). */
export function loadIb12Mat(path: string): Dataset {
  const variables = readMat(path);
  const inputs = variables.get('F');
  const labels = variables.get('y');
  if (!inputs || !labels) {
    throw new Error(`${path}: expected variables F (inputs) and y (labels) but found ${[...variables.keys()].join(', ') || 'none'}`);
  }
  const [rows, columns] = inputs.shape;
  if (inputs.shape.length !== 2 || columns !== 12) throw new Error(`${path}: F has shape [${inputs.shape.join(', ')}]; expected [N, 12]`);
  if (labels.data.length !== rows) throw new Error(`${path}: y has ${labels.data.length} labels for ${rows} rows of F`);
  const labelValues = Array.from(labels.data as ArrayLike<number>, Number);
  if (labelValues.some((value) => value !== 0 && value !== 1)) throw new Error(`${path}: y must hold 0/1 labels`);
  return checkDataset({
    name: 'ib12 (var_u.mat)',
    inputs: keep(tensor(new Float32Array(Array.from(inputs.data as ArrayLike<number>, Number)), [rows!, 12])),
    labels: keep(tensor(labelValues, undefined, { dtype: 'int64' })),
    numClasses: 2,
  });
}
