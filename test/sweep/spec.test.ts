/** Sweep specs: grid × seeds expansion with stable ids, grid flags, errors naming the bad key or value, sweep.json kept for the same spec. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PRESETS } from '../../src/experiment/presets.js';
import { expandSweep, loadSweepSpec, parseGridValues, prepareSweep, readSweepFile, sweepSpecSchema } from '../../src/sweep/spec.js';
import { tinyConfig } from '../experiment/fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-sweep-spec-'));
after(() => rmSync(root, { recursive: true, force: true }));

const spec = (input: Record<string, unknown>) => sweepSpecSchema.parse({ name: 'grid', base: tinyConfig, ...input });

describe('sweep specs', () => {
  it('expands the grid’s cartesian product (keys in order) times the seeds, setting-major, each trial a complete config', () => {
    const { settings, trials } = expandSweep(spec({ grid: { 'model.activation': ['tanh', 'relu'], 'optimizer.learningRate': [0.1, 0.01, 0.001] }, seeds: 2 }));
    assert.equal(settings.length, 6);
    assert.deepEqual(settings.map((setting) => setting.label), [
      'activation=tanh learningRate=0.1', 'activation=tanh learningRate=0.01', 'activation=tanh learningRate=0.001',
      'activation=relu learningRate=0.1', 'activation=relu learningRate=0.01', 'activation=relu learningRate=0.001',
    ]);
    assert.equal(trials.length, 12);
    assert.deepEqual(trials.slice(0, 3).map((trial) => trial.id), ['activation-tanh_learningRate-0.1_seed-0', 'activation-tanh_learningRate-0.1_seed-1', 'activation-tanh_learningRate-0.01_seed-0']);
    assert.deepEqual(trials.map((trial) => trial.index), [...Array(12).keys()]);
    const last = trials.at(-1)!;
    assert.equal(last.config.model.activation, 'relu');
    assert.equal((last.config.optimizer as { learningRate: number }).learningRate, 0.001);
    assert.equal(last.config.seed, 1);
    assert.equal(last.config.epochs, tinyConfig.epochs);
    assert.equal(last.dir, `trials/${last.id}`);
    assert.equal(new Set(trials.map((trial) => trial.id)).size, 12);
  });

  it('gives the same ids for the same spec, and keys with one value set every trial without naming it', () => {
    const input = { grid: { 'model.activation': ['tanh', 'relu'], epochs: [2] }, seeds: [4, 7] };
    const a = expandSweep(spec(input)).trials.map((trial) => trial.id);
    assert.deepEqual(a, expandSweep(spec(structuredClone(input))).trials.map((trial) => trial.id));
    assert.deepEqual(a, ['activation-tanh_seed-4', 'activation-tanh_seed-7', 'activation-relu_seed-4', 'activation-relu_seed-7']);
    assert.ok(expandSweep(spec(input)).trials.every((trial) => trial.config.epochs === 2));
  });

  it('names values that are not short text by a hash, and keys sharing a last name by their whole path', () => {
    const { trials } = expandSweep(spec({ grid: { estimators: [[{ name: 'bin' }], [{ name: 'kde', noiseVariance: 0.01 }]], 'probe.size': [100, 200] } }));
    assert.match(trials[0]!.id, /^estimators-[0-9a-f]{8}_size-100_seed-0$/);
    const clash = expandSweep(spec({ grid: { 'probe.set': ['test', 'train'], 'dataset.testFraction': [0.25, 0.5] } })).trials.map((trial) => trial.id);
    assert.ok(clash[0]!.startsWith('set-test_testFraction-0.25'), clash[0]);
  });

  it('refuses a grid key or value the config does not accept, naming it', () => {
    assert.throws(() => expandSweep(spec({ grid: { 'model.activaton': ['relu'] } })), /grid model\.activaton = "relu" is not accepted.*unknown field "activaton"/);
    assert.throws(() => expandSweep(spec({ grid: { 'model.activation': ['tanh', 'sigmoidal'] } })), /grid model\.activation = "sigmoidal" is not accepted.*model\.activation/);
    assert.throws(() => expandSweep(spec({ grid: { epochs: [-1] } })), /grid epochs = -1 is not accepted/);
    assert.throws(() => sweepSpecSchema.parse({ name: 'x', base: 'ibnet-tanh', grid: { epochs: [] } }), /at least 1/);
    assert.throws(() => loadSweepSpec('no-such-preset'), /neither a sweep preset .* nor a sweep file/);
  });

  it('splits --set values at the commas outside brackets and quotes, reading JSON where it parses', () => {
    assert.deepEqual(parseGridValues('tanh,relu'), ['tanh', 'relu']);
    assert.deepEqual(parseGridValues('1e-3,0.1,1'), [0.001, 0.1, 1]);
    assert.deepEqual(parseGridValues('[1,2],{"a":[3,4]},"x,y"'), [[1, 2], { a: [3, 4] }, 'x,y']);
    const fromFlags = loadSweepSpec('ibnet-tanh', { seeds: 3, set: ['model.activation=tanh,relu', 'epochs=100'] });
    assert.deepEqual(fromFlags.grid, { 'model.activation': ['tanh', 'relu'], epochs: [100] });
    assert.equal(fromFlags.seeds, 3);
    assert.equal(fromFlags.base, 'ibnet-tanh');
  });

  it('the saxe-ibnet preset is the 12-bit network, tanh and ReLU, 50 seeds each, on Saxe et al.’s schedule and estimators', () => {
    const saxe = loadSweepSpec('saxe-ibnet');
    const { settings, trials } = expandSweep(saxe);
    assert.deepEqual(settings.map((setting) => setting.label), ['activation=tanh', 'activation=relu']);
    assert.equal(trials.length, 100);
    const relu = trials.find((trial) => trial.id === 'activation-relu_seed-49')!;
    assert.equal(relu.config.logEpochs, 'saxe-ibnet');
    assert.equal(relu.config.epochs, 10000);
    assert.deepEqual(relu.config.model.layers.map((layer) => ('units' in layer ? layer.units : 0)), [10, 7, 5, 4, 3, 2]);
    assert.equal(relu.config.model.activation, 'relu');
    assert.deepEqual(relu.config.estimators, expandSweep(loadSweepSpec('ibnet-tanh')).trials[0]!.config.estimators);
    assert.equal(PRESETS['ibnet-tanh']!.epochs, 10000);
  });

  it('writes sweep.json once, keeps it for the same spec, and refuses another spec in the same directory', () => {
    const dir = path.join(root, 'keep');
    const first = prepareSweep(spec({ grid: { 'model.activation': ['tanh', 'relu'] }, seeds: 2 }), dir);
    const written = readFileSync(path.join(dir, 'sweep.json'), 'utf8');
    const again = prepareSweep(spec({ grid: { 'model.activation': ['tanh', 'relu'] }, seeds: 2 }), dir);
    assert.equal(readFileSync(path.join(dir, 'sweep.json'), 'utf8'), written);
    assert.deepEqual(again.trials, first.trials);
    assert.deepEqual(readSweepFile(dir).trials.map((trial) => trial.id), first.trials.map((trial) => trial.id));
    assert.throws(() => prepareSweep(spec({ grid: { 'model.activation': ['tanh', 'relu'] }, seeds: 3 }), dir), /holds another sweep \(4 trials there, 6 in this spec\)/);
    assert.throws(() => readSweepFile(path.join(root, 'nothing')), /not a sweep directory \(no sweep\.json\)/);
  });
});
