/** Config validation, overrides, presets and the log schedule. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, resolveConfig } from '../../src/experiment/config.js';
import { PRESETS } from '../../src/experiment/presets.js';
import { isSaxeIbnetLogEpoch, isSaxeLogEpoch, logEpochs } from '../../src/experiment/schedule.js';

const minimal = {
  dataset: { name: 'ib12' },
  model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
  optimizer: { type: 'sgd', learningRate: 0.1 },
  batchSize: 32,
  epochs: 3,
};

describe('experiment configs', () => {
  it('fills in defaults: Saxe schedule, KDE σ² 0.1, test-set probe, seed 0', () => {
    const config = resolveConfig(minimal);
    assert.equal(config.logEpochs, 'saxe');
    assert.deepEqual(config.estimators, [{ name: 'kde', noiseVariance: 0.1, precision: 'float64' }]);
    assert.deepEqual(config.probe, { set: 'test', size: 'all', examples: 4 });
    assert.equal(config.seed, 0);
    assert.equal(config.dynamics.snr, 'minibatch');
  });

  it('an invalid field is an error naming the field and the allowed values', () => {
    const bad = (change: Record<string, unknown>, message: RegExp): void => assert.throws(() => resolveConfig({ ...minimal, ...change }), message);
    bad({ batchSize: 0 }, /- batchSize: /);
    bad({ dataset: { name: 'cifar' } }, /dataset\.name: expected one of "mnist", "fashion-mnist", "ib12", "imported", "npy"/);
    bad({ optimizer: { type: 'sgd', learningRate: 'fast' } }, /optimizer\.learningRate: Expected number, received string/);
    bad({ estimators: [{ name: 'kde', sigma: 1 }] }, /estimators\[0\]: unknown field "sigma"/);
    bad({ convMethods: ['median'] }, /convMethods\[0\]: expected one of "concat", "mean" but received "median"/);
    bad({ epochz: 3 }, /unknown field "epochz"/);
    bad({ dynamics: { snr: 'replicas' }, batchSize: 'full' }, /dynamics\.snr: "replicas" .* needs a numeric batchSize/);
    assert.equal(resolveConfig({ ...minimal, dynamics: { snr: 'parallel' } }).dynamics.snr, 'replicas', 'the earlier name still loads');
  });

  it('--set overrides reach nested fields, parse JSON values and reject malformed ones', () => {
    const changed = applyOverrides(minimal, ['model.activation=relu', 'epochs=9', 'probe.size=100', 'model.layers.0.units=3']);
    const config = resolveConfig(changed);
    assert.deepEqual([config.model.activation, config.epochs, config.probe.size], ['relu', 9, 100]);
    assert.equal((config.model.layers[0] as { units: number }).units, 3);
    assert.equal((minimal.model.layers[0] as { units: number }).units, 2, 'the original is untouched');
    assert.throws(() => applyOverrides(minimal, ['epochs']), /--set expects path=value/);
    assert.throws(() => applyOverrides(minimal, ['epochs.x=1']), /epochs is not an object/);
  });

  it('every preset is a valid config, as the issue describes them', () => {
    for (const [name, preset] of Object.entries(PRESETS)) assert.doesNotThrow(() => resolveConfig(preset), name);
    const fig5 = resolveConfig(PRESETS['fig5-mlp']);
    assert.deepEqual([fig5.batchSize, fig5.epochs, fig5.optimizer], [128, 20, { type: 'sgd', learningRate: 0.001 }]);
    assert.deepEqual(fig5.model.layers.map((l) => ('units' in l ? l.units : 0)), [1024, 20, 20, 20, 10]);
    assert.deepEqual(fig5.estimators.map((e) => e.name), ['kde', 'bin']);
    const cnn = resolveConfig(PRESETS['mnist-cnn']);
    assert.deepEqual([cnn.probe.size, cnn.estimators[0], cnn.convMethods], [1000, { name: 'kde', noiseVariance: 0.0735, precision: 'float32' }, ['concat', 'mean']]);
    assert.equal(resolveConfig(PRESETS['ibnet-relu']).model.layers[0]!.type, 'dense');
    // ibsgd's MNIST inputs are x/255: utils.get_mnist has `X*2.0-1.0` commented out.
    assert.deepEqual(fig5.dataset, { name: 'mnist', range: '0-1' });
    const ibnet = resolveConfig(PRESETS['ibnet-tanh']);
    assert.deepEqual([ibnet.dataset, ibnet.logEpochs], [{ name: 'ib12', source: 'file', generatorSeed: 0, testFraction: 0.2 }, 'saxe-ibnet']);
  });
});

describe('log-epoch schedule', () => {
  it("Saxe's: every epoch below 20, every 5th below 100, every 10th below 200, then every 100th", () => {
    assert.deepEqual(logEpochs('saxe', 30), [...Array(20).keys(), 20, 25, 30]);
    const long = logEpochs('saxe', 400);
    assert.deepEqual(long.filter((e) => e >= 95 && e <= 210), [95, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200]);
    assert.deepEqual(long.slice(-2), [300, 400]);
    assert.ok(isSaxeLogEpoch(19) && !isSaxeLogEpoch(21) && isSaxeLogEpoch(1000) && !isSaxeLogEpoch(1050));
  });

  it("Saxe's 12-bit schedule (ibsgd IBnet_SaveActivations do_report): every 20th from 100 to 2000, then every 100th", () => {
    const long = logEpochs('saxe-ibnet', 10000);
    // 20 + 16 (20, 25, …, 95) + 95 (100, 120, …, 1980) + 81 (2000, 2100, …, 10000) by hand.
    assert.equal(long.length, 20 + 16 + 95 + 81);
    assert.deepEqual(long.filter((e) => e >= 95 && e <= 160), [95, 100, 120, 140, 160]);
    assert.deepEqual(long.filter((e) => e >= 1960 && e <= 2200), [1960, 1980, 2000, 2100, 2200]);
    assert.ok(isSaxeIbnetLogEpoch(19) && !isSaxeIbnetLogEpoch(110) && isSaxeIbnetLogEpoch(1980) && !isSaxeIbnetLogEpoch(2020));
  });

  it('lists, every epoch, and the last epoch always', () => {
    assert.deepEqual(logEpochs([5, 1], 7), [1, 5, 7]);
    assert.deepEqual(logEpochs('every', 3), [0, 1, 2, 3]);
    assert.deepEqual(logEpochs('saxe', 23), [...Array(20).keys(), 20, 23]);
    assert.throws(() => logEpochs([9], 5), /log epochs must be integers in \[0, 5\]/);
  });
});
