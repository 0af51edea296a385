/** Validity flags on constructed cases: each fires where it must, with the numbers in its message, and not elsewhere. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { binEstimator, tishbyBinEstimator } from '../../src/info/index.js';
import { type CheckedEstimate, dataProcessingFlags, estimateFlags, estimateKey, flagEstimates } from '../../src/info/validity.js';
import { tensor, tidy } from '../../src/tensor/index.js';

const exactValue = (value: number): { lower: number; upper: number } => ({ lower: value, upper: value });
const estimate = (overrides: Partial<CheckedEstimate>): CheckedEstimate => ({
  estimator: 'kde', method: 'concat', ixt: { lower: 2, upper: 3 }, iyt: { lower: 0.5, upper: 0.6 }, ht: { lower: 2, upper: 3 }, parameters: { noiseVariance: 0.1, samples: 16, dims: 4 }, ...overrides,
});
const codes = (flags: { code: string }[]): string[] => flags.map((flag) => flag.code).sort();
const probe = { samples: 16, hY: 1 };

describe('validity flags of one estimate', () => {
  it('binning saturated: 16 samples in 16 distinct bins give H(T) = log₂ 16 = 4 bits, flagged; 15 bins are not', () => {
    const labels = tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], undefined, { dtype: 'int64' });
    const distinct = tidy(() => binEstimator({ binsize: 1 }).estimate({ activations: tensor(Array.from({ length: 16 }, (_, i) => [i + 0.5]), undefined, { dtype: 'float32' }), labels, numClasses: 2 }));
    assert.equal(distinct.ht.upper, 4);
    const flags = estimateFlags({ estimator: 'bin', ...distinct }, probe);
    assert.deepEqual(codes(flags), ['binning-saturated']);
    assert.match(flags[0]!.message, /every one of the 16 samples has a bin of its own: I\(X;T\) = log₂ N = 4\.0000 bits/);
    // Two samples share bin 0: 15 occupied bins.
    const shared = tidy(() => binEstimator({ binsize: 1 }).estimate({ activations: tensor([[0.2], ...Array.from({ length: 15 }, (_, i) => [i + 0.5])], undefined, { dtype: 'float32' }), labels, numClasses: 2 }));
    assert.deepEqual(estimateFlags({ estimator: 'bin', ...shared }, probe), []);
  });

  it('negative, above H(X) = log₂ N or H(Y), and bounds further apart than the upper bound', () => {
    assert.deepEqual(estimateFlags(estimate({}), probe), []);
    const negative = estimateFlags(estimate({ iyt: { lower: -0.2, upper: 0.6 } }), probe);
    assert.deepEqual(codes(negative), ['bound-gap', 'negative']);
    assert.match(negative.find((f) => f.code === 'negative')!.message, /I\(Y;T\) lower bound is -0\.2000 bits, below 0/);
    assert.match(negative.find((f) => f.code === 'bound-gap')!.message, /I\(Y;T\)'s bounds -0\.2000–0\.6000 bits lie 0\.8000 bits apart, more than the upper bound itself/);
    const above = estimateFlags(estimate({ ixt: { lower: 3.9, upper: 4.3 }, iyt: exactValue(1.2) }), probe);
    assert.deepEqual(codes(above), ['above-entropy', 'above-entropy']);
    assert.match(above[0]!.message, /I\(X;T\) is 4\.3000 bits, above its ceiling H\(X\) = log₂ N = 4\.0000 bits/);
    assert.match(above[1]!.message, /above its ceiling H\(Y\) = 1\.0000 bits/);
    // At the ceiling exactly (a saturated binning's I(X;T)) is not above it.
    assert.deepEqual(estimateFlags(estimate({ ixt: exactValue(4), iyt: exactValue(1) }), probe), []);
  });

  it("Tishby binning on ReLU-like activations: the clipped count and range (counted here), a warning not a refusal", () => {
    const values = [0, 0.5, 1, 1.5, 3, 0.2, 2.5, 0];
    const outside = values.filter((v) => Math.abs(v) > 1).length;
    const result = tidy(() => tishbyBinEstimator({ numBins: 30 }).estimate({ activations: tensor(values.map((v) => [v]), undefined, { dtype: 'float32' }), labels: tensor([0, 1, 0, 1, 0, 1, 0, 1], undefined, { dtype: 'int64' }), numClasses: 2 }));
    const flags = estimateFlags({ estimator: 'tishby-bin', ...result }, { samples: 8, hY: 1 });
    assert.deepEqual(codes(flags), ['outside-bins']);
    assert.match(flags[0]!.message, new RegExp(`^${outside} activation values lie outside Tishby's bins on \\[−1, 1\\] \\(range 0\\.0000 to 3\\.0000\\)`));
    const inside = tidy(() => tishbyBinEstimator().estimate({ activations: tensor([[0.1], [0.1], [-0.9], [1]], undefined, { dtype: 'float32' }), labels: tensor([0, 1, 0, 1], undefined, { dtype: 'int64' }), numClasses: 2 }));
    assert.deepEqual(estimateFlags({ estimator: 'tishby-bin', ...inside }, { samples: 4, hY: 1 }), []);
  });
});

describe('the data-processing check along the network', () => {
  it('flags a later layer whose lower bound exceeds the earlier upper bound, of the same estimator setting only', () => {
    const first = [estimate({ ixt: { lower: 2, upper: 3 } }), estimate({ estimator: 'bin', ixt: exactValue(2), iyt: exactValue(0.5), parameters: { binsize: 0.5, dims: 4 } })];
    // Within the bounds (2.5 ≤ 3) for KDE; the binning rises from 2 to 2.4, an exact estimate: flagged.
    const second = [estimate({ ixt: { lower: 2.5, upper: 3.5 }, parameters: { noiseVariance: 0.1, samples: 16, dims: 2 } }), estimate({ estimator: 'bin', ixt: exactValue(2.4), iyt: exactValue(0.5), parameters: { binsize: 0.5, dims: 2 } })];
    const flags = dataProcessingFlags([first, second], estimateKey, ['dense_1', 'dense_2']);
    assert.deepEqual(flags[0], [[], []]);
    assert.deepEqual(flags[1]![0], []);
    assert.equal(flags[1]![1]!.length, 1);
    assert.match(flags[1]![1]![0]!.message, /^I\(X;T\) rises from 2\.0000 bits in dense_1 to 2\.4000 bits in dense_2, beyond the bounds/);
    // A KDE rise beyond the bounds: lower 3.2 > upper 3.
    const beyond = dataProcessingFlags([first, [estimate({ ixt: { lower: 3.2, upper: 3.6 } })]], estimateKey, ['a', 'b']);
    assert.equal(beyond[1]![0]![0]!.code, 'dpi-violated');
    // Another σ² is another estimator: not compared.
    assert.deepEqual(dataProcessingFlags([first, [estimate({ ixt: { lower: 3.2, upper: 3.6 }, parameters: { noiseVariance: 1 } })]], estimateKey, ['a', 'b'])[1], [[]]);
  });

  it('flagEstimates sets flags on the estimates that have findings and removes stale ones; mean-method estimates are not chained', () => {
    const layers = [
      { name: 'conv', estimates: [estimate({ ixt: exactValue(1), iyt: exactValue(0.2), method: 'mean' }), estimate({ ixt: { lower: 1, upper: 1.5 } })] },
      { name: 'dense', estimates: [estimate({ ixt: exactValue(2), iyt: exactValue(0.3), method: 'mean' }), { ...estimate({ ixt: { lower: 1.2, upper: 1.4 } }), flags: [{ code: 'negative' as const, message: 'stale' }] }] },
    ];
    flagEstimates(layers, probe);
    assert.equal('flags' in layers[0]!.estimates[0]!, false);
    assert.equal('flags' in layers[1]!.estimates[0]!, false, 'a mean over channels is not the layer: no DPI check');
    assert.equal('flags' in layers[1]!.estimates[1]!, false, 'the stale flag is gone and 1.2 ≤ 1.5 is within the bounds');
  });
});
