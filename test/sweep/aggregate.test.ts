/**
 * Aggregation over seeds against means and t intervals computed here from each trial's metrics.jsonl
 * (the t quantiles from a table), with an unfinished and a failed trial listed and left out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aggregateSweep, meanInterval, readAggregate, writeAggregate } from '../../src/sweep/aggregate.js';
import { prepareSweep, sweepSpecSchema, type SweepFile } from '../../src/sweep/spec.js';
import { recordFailure, trialStatus } from '../../src/sweep/state.js';
import { runTrial } from '../../src/sweep/trial.js';
import { tinyConfig } from '../experiment/fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-aggregate-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Student's t 0.975 quantiles (any table): 2 and 3 trials. */
const T975 = { 1: 12.706204736174705, 2: 4.302652729911275, 4: 2.776445105197799 } as const;

const dir = path.join(root, 'sweep');
let sweep: SweepFile;

before(async () => {
  sweep = prepareSweep(sweepSpecSchema.parse({
    name: 'agg',
    base: { ...tinyConfig, epochs: 3, estimators: [{ name: 'kde', noiseVariance: 0.1 }, { name: 'bin', binsize: 0.5 }], dynamics: { kdeDerivativeSamples: 0 } },
    grid: { 'model.activation': ['tanh', 'relu'] },
    seeds: 3,
  }), dir);
  // tanh: all three seeds finish; relu: seed 0 finishes, seed 1 fails, seed 2 is never started.
  for (const trial of sweep.trials) {
    if (trial.setting === 1 && trial.seed === 2) continue;
    if (trial.setting === 1 && trial.seed === 1) {
      recordFailure(dir, trial, { error: 'a constructed failure', exitCode: 1, log: null });
      continue;
    }
    await runTrial(dir, trial);
  }
});

/** A trial's raw metrics lines. */
interface RawLine {
  epoch: number;
  test: { accuracy: number };
  layers: { name: string; estimates: { ixt: { upper: number } }[] }[];
}
function lines(trialDir: string): RawLine[] {
  return readFileSync(path.join(dir, trialDir, 'metrics.jsonl'), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as RawLine);
}

function byHand(values: number[], t: number): { mean: number; sd: number; ciLower: number; ciUpper: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd, ciLower: mean - (t * sd) / Math.sqrt(values.length), ciUpper: mean + (t * sd) / Math.sqrt(values.length) };
}

const close = (actual: number | null | undefined, expected: number, what: string): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
};

describe('aggregation over seeds', () => {
  it('meanInterval: the sample standard deviation and Student’s t interval; one value has no interval; NaN is left out', () => {
    const five = meanInterval([1, 2, 3, 4, 5])!;
    close(five.mean, 3, 'mean');
    close(five.sd, Math.sqrt(2.5), 'sd');
    // jstat's t quantile agrees with the table to about 1e-8.
    assert.ok(Math.abs(five.ciLower! - (3 - (T975[4] * Math.sqrt(2.5)) / Math.sqrt(5))) < 1e-7);
    assert.ok(Math.abs(five.ciUpper! - (3 + (T975[4] * Math.sqrt(2.5)) / Math.sqrt(5))) < 1e-7);
    assert.deepEqual(meanInterval([2]), { n: 1, mean: 2, sd: null, ciLower: null, ciUpper: null });
    assert.equal(meanInterval([Number.NaN, 4, 6])!.n, 2);
    assert.equal(meanInterval([Number.NaN]), undefined);
  });

  it('per setting, epoch, layer, estimator and bound: the mean and 95 % interval of the finished trials’ values', () => {
    const { rows, info } = aggregateSweep(dir, sweep);
    const tanhTrials = sweep.trials.filter((trial) => trial.setting === 0);
    for (const epoch of [0, 3]) {
      // KDE upper bound of I(X;T) of the first layer, and the test accuracy, from the raw lines.
      const ixt = tanhTrials.map((trial) => lines(trial.dir).find((line) => line.epoch === epoch)!.layers[0]!.estimates[0]!.ixt.upper);
      const accuracy = tanhTrials.map((trial) => lines(trial.dir).find((line) => line.epoch === epoch)!.test.accuracy);
      const layer = lines(tanhTrials[0]!.dir)[0]!.layers[0]!.name;
      const ixtRow = rows.find((row) => row.setting === 0 && row.epoch === epoch && row.layer === layer && row.estimator === 'kde σ²=0.1' && row.quantity === 'ixt' && row.bound === 'upper')!;
      const expected = byHand(ixt, T975[2]);
      assert.equal(ixtRow.n, 3);
      close(ixtRow.mean, expected.mean, `mean I(X;T) at ${epoch}`);
      close(ixtRow.sd, expected.sd, `sd at ${epoch}`);
      assert.ok(Math.abs(ixtRow.ciLower! - expected.ciLower) < 1e-7 && Math.abs(ixtRow.ciUpper! - expected.ciUpper) < 1e-7, `interval at ${epoch}`);
      const accuracyRow = rows.find((row) => row.setting === 0 && row.epoch === epoch && row.layer === null && row.quantity === 'test_accuracy')!;
      close(accuracyRow.mean, byHand(accuracy, T975[2]).mean, `accuracy at ${epoch}`);
      // Binning gives one value, not bounds.
      assert.ok(rows.some((row) => row.setting === 0 && row.epoch === epoch && row.estimator === 'bin size 0.5' && row.quantity === 'iyt' && row.bound === 'value'));
      assert.ok(!rows.some((row) => row.estimator === 'bin size 0.5' && row.bound !== 'value'));
    }
    // relu: one finished trial, so a mean without an interval; the failed and the unstarted trial listed with why.
    const relu = rows.filter((row) => row.setting === 1);
    assert.ok(relu.length > 0 && relu.every((row) => row.n === 1 && row.ciLower === null));
    const reluInfo = info.settings[1]!;
    assert.deepEqual(reluInfo.trials, ['activation-relu_seed-0']);
    assert.deepEqual(reluInfo.leftOut, [
      { id: 'activation-relu_seed-1', state: 'failed', reason: 'a constructed failure' },
      { id: 'activation-relu_seed-2', state: 'pending', reason: 'not started' },
    ]);
    assert.equal(info.settings[0]!.leftOut.length, 0);
  });

  it('writes aggregate.jsonl and aggregate.json that read back through their schemas', () => {
    const written = writeAggregate(dir, sweep);
    const read = readAggregate(dir)!;
    assert.equal(read.rows.length, written.rows.length);
    assert.deepEqual(read.info.settings, written.info.settings);
    assert.equal(trialStatus(dir, sweep.trials[4]!).state, 'failed');
  });
});
