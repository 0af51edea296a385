/**
 * The stochastic-gradient hypothesis as statistical tests: kinks against one line plus noise, SNR drops,
 * compression against the estimator's own noise, and the exact coincidence p-value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HYPOTHESIS_DEFAULTS, hypothesisSummary } from '../../src/dynamics/index.js';
import { successiveDifferenceNoise, twoSegmentFit, uniformTripleSpreadCdf } from '../../src/dynamics/statistics.js';
import { assertClose, pseudoRandom } from '../helpers.js';

/** Saxe et al.'s kind of schedule: epoch 0, then about ten logged epochs per decade up to 1000 (29 in all). */
const logEpochs = [0, ...new Set(Array.from({ length: 31 }, (_, k) => Math.round(10 ** (k / 10))))];

/** A power law with exponent `before` up to `at` and `after` beyond, continuous at `at`, times e^(noise·u), u ∈ (−1, 1). */
function powerLaw(epochs: readonly number[], at: number, before: number, after: number, noise: number, seed: number): number[] {
  const u = pseudoRandom(epochs.length, seed);
  return epochs.map((e, i) => (e === 0 ? 1 : e <= at ? e ** before : at ** before * (e / at) ** after) * Math.exp(noise * u[i]!));
}

const flat = (epochs: readonly number[]): number[] => epochs.map(() => 1);

describe('the two-segment fit', () => {
  it('finds the bend of an exact two-segment line, with its slopes, and no improvement on one line', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    const fit = twoSegmentFit(xs, xs.map((x) => (x <= 4 ? 2 * x : 8 - 0.5 * (x - 4))), 3)!;
    assert.equal(fit.index, 4);
    assertClose([fit.relativeImprovement, fit.slopeBefore, fit.slopeAfter], [1, 2, -0.5], 1e-12);
    const line = twoSegmentFit(xs, xs.map((x) => 3 - x), 3)!;
    assertClose([line.relativeImprovement, line.slopeBefore, line.slopeAfter], [0, -1, -1], 1e-12);
    assert.equal(twoSegmentFit([0, 1, 2, 3], [0, 1, 2, 3], 3), undefined, 'two segments of 3 points need 5');
  });
});

describe('kink test (two-segment fit vs one line, residual permutation)', () => {
  it('a straight line plus seeded noise is a kink at alpha 0.05 in at most 6 of 40 series', () => {
    const pValues = Array.from({ length: 40 }, (_, seed) => {
      const loss = powerLaw(logEpochs, Infinity, -0.7, -0.7, 0.1, 1000 + seed);
      return hypothesisSummary(logEpochs, loss, []).lossKink.pValue!;
    });
    const positives = pValues.filter((p) => p < 0.05).length;
    assert.ok(positives <= 6, `${positives} of 40 null series rejected: ${pValues.join(', ')}`);
    // Under the null p is about uniform, so most p are large, not merely above alpha.
    assert.ok(pValues.filter((p) => p > 0.2).length >= 24, `p-values ${pValues.join(', ')}`);
  });

  it('a clear kink is detected at its epoch, with both slopes, and no shuffle fits as well (p = 1/1000)', () => {
    const loss = powerLaw(logEpochs, 50, -1, -0.1, 0.01, 7);
    const { lossKink } = hypothesisSummary(logEpochs, loss, []);
    assert.deepEqual([lossKink.tested, lossKink.detected, lossKink.epoch, lossKink.points], [true, true, 50, 28]);
    assert.equal(lossKink.pValue, 1 / 1000);
    assertClose([lossKink.slopeBefore!, lossKink.slopeAfter!], [-1, -0.1], 0.05);
    assert.match(lossKink.test, /two-segment fit vs one line .*residual permutation \(999, seed 1\) p=0\.001/);
  });

  it('the p-value is the same for the same seed, and a multiple of 1/(1 + permutations)', () => {
    const loss = powerLaw(logEpochs, 20, -0.5, -0.4, 0.1, 3);
    const first = hypothesisSummary(logEpochs, loss, [], { permutations: 199, seed: 42 });
    const again = hypothesisSummary(logEpochs, loss, [], { permutations: 199, seed: 42 });
    assert.deepEqual(again, first);
    const count = first.lossKink.pValue! * 200;
    assert.ok(Math.abs(count - Math.round(count)) < 1e-9 && count >= 1, `p = ${first.lossKink.pValue}`);
  });

  it('fewer than 6 usable points is "not tested", with the reason', () => {
    const epochs = [0, 1, 2, 4, 8, 16, 32];
    const loss = [1, 0.5, Number.NaN, 0.2, 0.1, 0.05, 0.04];
    const { lossKink } = hypothesisSummary(epochs, loss, []);
    assert.deepEqual([lossKink.tested, lossKink.detected, lossKink.epoch, lossKink.pValue, lossKink.points], [false, false, null, null, 5]);
    assert.match(lossKink.reason, /not tested: 5 logged epochs ≥ 1 .* need 6/);
  });
});

describe('SNR drop', () => {
  it('a falling kink in the SNR is a drop at its epoch; a rising one is "kink but not a drop"', () => {
    const ixt = flat(logEpochs);
    const { layers: [falling, rising] } = hypothesisSummary(logEpochs, flat(logEpochs), [
      { layer: 'falling', ixt, snr: powerLaw(logEpochs, 100, 0.2, -1.5, 0.02, 11) },
      { layer: 'rising', ixt, snr: powerLaw(logEpochs, 100, -1.5, 0.2, 0.02, 11) },
    ]);
    assert.deepEqual([falling!.snrDrop.detected, falling!.snrDrop.epoch], [true, 100]);
    assert.ok(falling!.snrDrop.slopeAfter! < falling!.snrDrop.slopeBefore!);
    assert.deepEqual([rising!.snrDrop.detected, rising!.snrDrop.epoch, rising!.snrDrop.candidateEpoch], [false, null, 100]);
    assert.ok(rising!.snrDrop.pValue! < 0.05, 'the kink itself is significant');
    assert.match(rising!.snrDrop.reason, /kink but not a drop/);
  });
});

describe('compression (drop from the peak against the series\' own noise)', () => {
  const epochs = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256];
  const riseThenFall = [1, 2, 3, 4, 5, 4.5, 4, 3.5, 3, 2.5];

  it('a monotone rise is no compression', () => {
    const ixt = epochs.map((_, i) => Math.log2(2 + i) + 0.01 * pseudoRandom(10, 5)[i]!);
    const { compression } = hypothesisSummary(epochs, flat(epochs), [{ layer: 'a', ixt, snr: flat(epochs) }]).layers[0]!;
    assert.deepEqual([compression.tested, compression.detected, compression.epoch], [true, false, null]);
    assert.ok(compression.dropBits! < 0, `drop ${compression.dropBits}`);
  });

  it('a rise then a fall well above the noise is compression from the peak epoch (hand-computed numbers)', () => {
    const { compression } = hypothesisSummary(epochs, flat(epochs), [{ layer: 'a', ixt: riseThenFall, snr: flat(epochs) }]).layers[0]!;
    assert.deepEqual([compression.detected, compression.epoch, compression.pValue], [true, 8, null]);
    // Peak 5 at index 4; final = mean(3.5, 3, 2.5) = 3. Δ = [1,1,1,1,−.5 ×5]: median −0.5, MAD 0, so the
    // noise is 0 and the margin is the 0.01-bit floor.
    assertClose([compression.peakBits!, compression.finalBits!, compression.dropBits!, compression.noiseBits!, compression.marginBits!], [5, 3, 2, 0, 0.01], 1e-12);
    assert.equal(compression.boundGapAtPeakBits, null);
  });

  it('a fall smaller than z·noise is not compression (hand-computed margin)', () => {
    const ixt = [1, 1.2, 1.3, 1.6, 1.7, 1.5, 1.4, 1.1];
    const few = epochs.slice(0, 8);
    const { compression } = hypothesisSummary(few, flat(few), [{ layer: 'a', ixt, snr: flat(few) }]).layers[0]!;
    // Δ = [.2, .1, .3, .1, −.2, −.1, −.3]: median 0.1, |Δ − 0.1| sorted 0, 0, .1, .2, .2, .3, .4 → MAD 0.2.
    const noise = (1.4826 * 0.2) / Math.SQRT2;
    assertClose([successiveDifferenceNoise(ixt), compression.noiseBits!, compression.marginBits!], [noise, noise, 3 * noise], 1e-12);
    // Peak 1.7 (index 4, before the last 3), final (1.5 + 1.4 + 1.1)/3 = 4/3: drop 0.367 < margin 0.629.
    assertClose([compression.dropBits!], [1.7 - 4 / 3], 1e-12);
    assert.deepEqual([compression.detected, compression.candidateEpoch], [false, 8]);
    assert.match(compression.reason, /^no compression: drop 0\.367 vs margin 0\.629 bits/);
  });

  it('with KDE bounds, a lower bound that does not fall is not compression; both falling is; all-NaN bounds are none', () => {
    const stillRising = [0.5, 1, 1.5, 2, 2.5, 2.6, 2.7, 2.8, 2.9, 3];
    const fallingToo = riseThenFall.map((v) => v - 1);
    const { layers: [rising, falling, unbracketed] } = hypothesisSummary(epochs, flat(epochs), [
      { layer: 'a', ixt: riseThenFall, ixtLower: stillRising, snr: flat(epochs) },
      { layer: 'b', ixt: riseThenFall, ixtLower: fallingToo, snr: flat(epochs) },
      { layer: 'c', ixt: riseThenFall, ixtLower: epochs.map(() => Number.NaN), snr: flat(epochs) },
    ]);
    assert.equal(rising!.compression.detected, false);
    // The lower bound from the upper's peak (2.5 at index 4) to mean(2.8, 2.9, 3) = 2.9.
    assertClose([rising!.compression.lowerDropBits!, rising!.compression.boundGapAtPeakBits!], [-0.4, 2.5], 1e-12);
    assert.match(rising!.compression.reason, /the lower bound does not/);
    assert.deepEqual([falling!.compression.detected, falling!.compression.epoch], [true, 8]);
    assertClose([falling!.compression.lowerDropBits!, falling!.compression.boundGapAtPeakBits!], [2, 1], 1e-12);
    // An all-NaN lower bound is no bracket: the upper series alone decides.
    assert.deepEqual([unbracketed!.compression.detected, unbracketed!.compression.lowerDropBits, unbracketed!.compression.points], [true, null, 10]);
  });
});

describe('coincidence (spread of three positions against independent uniform positions)', () => {
  it('P(spread ≤ s) equals a brute-force count over all n³ triples, and the hand counts for n = 5', () => {
    for (let n = 1; n <= 7; n++) {
      for (let s = 0; s < n; s++) {
        let count = 0;
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) for (let c = 0; c < n; c++) if (Math.max(a, b, c) - Math.min(a, b, c) <= s) count++;
        assertClose([uniformTripleSpreadCdf(n, s)], [count / n ** 3], 1e-15, `n=${n} s=${s}`);
      }
    }
    // Spread 0: the 5 triples (i, i, i). Spread exactly 1: 4 adjacent pairs × 6 triples using both values.
    assert.equal(uniformTripleSpreadCdf(5, 0), 5 / 125);
    assert.equal(uniformTripleSpreadCdf(5, 1), (5 + 4 * 6) / 125);
  });

  it('three events at the same logged epoch coincide with p = 1/n²; a spread of 5 in 29 does not', () => {
    const loss = powerLaw(logEpochs, 50, -1, -0.1, 0, 1);
    const index50 = logEpochs.indexOf(50);
    const peakAt = (index: number): number[] => logEpochs.map((_, i) => 5 - Math.abs(i - index) * 0.2);
    const snr = powerLaw(logEpochs, 50, 0.3, -1.2, 0, 1);
    const summary = hypothesisSummary(logEpochs, loss, [
      { layer: 'together', ixt: peakAt(index50), snr },
      { layer: 'apart', ixt: peakAt(index50 + 5), snr },
      { layer: 'flat', ixt: flat(logEpochs), snr },
    ]);
    const [together, apart, flatLayer] = summary.layers;
    const n = logEpochs.length;
    assert.equal(n, 29);
    assert.deepEqual([together!.coincidence.detected, together!.coincidence.positions, together!.coincidence.spread], [true, [index50, index50, index50], 0]);
    assertClose([together!.coincidence.pValue!], [1 / n ** 2], 1e-15);
    // Windows of 6 of the 29 positions: (24·6³ − 23·5³)/29³ = 2309/24389 ≈ 0.095.
    assert.deepEqual([apart!.coincidence.detected, apart!.coincidence.spread], [false, 5]);
    assertClose([apart!.coincidence.pValue!], [2309 / 24389], 1e-15);
    assert.deepEqual([flatLayer!.coincidence.tested, flatLayer!.coincidence.pValue], [false, null]);
    assert.match(flatLayer!.coincidence.reason, /not tested: no compression/);
  });
});

describe('the summary as a record', () => {
  it('echoes its settings, survives JSON unchanged, and rejects an invalid option in the one template', () => {
    const summary = hypothesisSummary(logEpochs, powerLaw(logEpochs, 50, -1, -0.1, 0.01, 2), [
      { layer: 'a', ixt: logEpochs.map((_, i) => Math.min(i, 10)), ixtLower: flat(logEpochs), snr: logEpochs.map(() => Number.NaN) },
    ], { permutations: 99 });
    assert.deepEqual(summary.settings, { ...HYPOTHESIS_DEFAULTS, permutations: 99 });
    assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
    assert.throws(() => hypothesisSummary(logEpochs, flat(logEpochs), [], { alpha: 1.5 }), /^TypeError: Expected a number in \(0, 1\) for options\.alpha but received 1\.5$/);
    assert.throws(() => hypothesisSummary(logEpochs, [1, 2], []), /Expected an array of 29 numbers \(one per logged epoch\) for trainLoss/);
  });
});
