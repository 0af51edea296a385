/** The 12-bit information-bottleneck task: the generated one and the published var_u.mat. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PUBLISHED_IB12, generateIb12, icosahedronVertices, loadIb12Mat } from '../../src/data/ib12.js';

const published = PUBLISHED_IB12;
describe('the published 12-bit dataset', () => {
  it('loadIb12Mat gives a Dataset of 4096 distinct binary rows and 0/1 labels with mean 0.517', () => {
    const data = loadIb12Mat(published);
    assert.deepEqual(data.inputs.shape, [4096, 12]);
    assert.equal(data.inputs.unique(0).values.size(0), 4096);
    assert.deepEqual(data.inputs.unique().values.toNumbers(), [0, 1]);
    assert.ok(Math.abs(data.labels.to('float64').mean().item() - 0.51709) < 1e-4);
  });
});

describe('the generated 12-bit task', () => {
  it('uses the 12 unit vertices of an icosahedron: inner products 1/√5, −1/√5, −1 between distinct ones', () => {
    const vertices = icosahedronVertices();
    assert.equal(vertices.length, 12);
    const dots = new Set<string>();
    for (const u of vertices) {
      assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-12);
      for (const v of vertices) if (u !== v) dots.add((u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!).toFixed(6));
    }
    assert.deepEqual([...dots].sort(), [(-1).toFixed(6), (-1 / Math.sqrt(5)).toFixed(6), (1 / Math.sqrt(5)).toFixed(6)].sort());
  });

  it('every pattern once, about half in each class, the same labels for the same seed', () => {
    const a = generateIb12(3);
    assert.deepEqual(a.inputs.shape, [4096, 12]);
    assert.equal(a.inputs.unique(0).values.size(0), 4096);
    const positive = a.labels.to('float64').mean().item();
    assert.ok(positive > 0.4 && positive < 0.6, `fraction of class 1: ${positive}`);
    assert.deepEqual(generateIb12(3).labels.toNumbers(), a.labels.toNumbers());
    assert.notDeepEqual(generateIb12(4).labels.toNumbers(), a.labels.toNumbers());
  });

  it('labels are invariant under a symmetry of the icosahedron (a rotation permutes the inputs)', () => {
    const { labels } = generateIb12(5);
    const vertices = icosahedronVertices();
    // Rotation by 120° about (1,1,1) maps (x, y, z) → (z, x, y): a symmetry of this icosahedron.
    const image = vertices.map(([x, y, z]) => vertices.findIndex((v) => Math.abs(v[0]! - z!) + Math.abs(v[1]! - x!) + Math.abs(v[2]! - y!) < 1e-9));
    assert.ok(image.every((j) => j >= 0));
    const values = labels.toNumbers();
    for (let r = 0; r < 4096; r++) {
      let rotated = 0;
      for (let i = 0; i < 12; i++) if ((r >> i) & 1) rotated |= 1 << image[i]!;
      assert.equal(values[rotated], values[r]);
    }
  });
});

