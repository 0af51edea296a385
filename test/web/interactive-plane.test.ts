/**
 * The interactive plane: the params the page drives filter the figure's marks by epoch, layer and panel,
 * checked on Vega's headless scenegraph against counts worked out by hand from the rows, on a small
 * hand-written spec of the report's shape (one data set, a facet per cell, layers of marks, bound rules
 * without an epoch) and on the report's own plane of the fixture run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import { runFigures } from '../../src/report/figures/index.js';
import { headlessView, sceneMarks } from '../../src/report/render.js';
import { interactivePlane } from '../../src/web/interactive-plane.js';
import { MLP_CONFIG, fixtureRun } from '../report/fixtures.js';

const layers = ['a', 'b', 'c'];
const epochs = [0, 1, 3, 10];
const cells = ['kde', 'bin'];
const rows = cells.flatMap((cell) => epochs.flatMap((epoch) => layers.map((layer, index) => ({ cell, panel: cell, epoch, layer, ixt: epoch + index, iyt: index }))));

const planeLike: TopLevelSpec = {
  datasets: { plane: [...cells.map((cell) => ({ cell, kind: 'bound', value: 4 })), ...rows.map((row) => ({ ...row, kind: 'dot' }))] },
  data: { name: 'plane' },
  facet: { field: 'cell', type: 'nominal' },
  spec: {
    layer: [
      { name: 'bounds', transform: [{ filter: "datum.kind === 'bound'" }], mark: 'rule', encoding: { x: { field: 'value', type: 'quantitative' } } },
      {
        name: 'lines', transform: [{ filter: "datum.kind === 'dot'" }], mark: 'line',
        encoding: { x: { field: 'ixt', type: 'quantitative' }, y: { field: 'iyt', type: 'quantitative' }, detail: { field: 'epoch' }, stroke: { field: 'epoch', type: 'quantitative' } },
      },
      { name: 'dots', transform: [{ filter: "datum.kind === 'dot'" }], mark: 'point', encoding: { x: { field: 'ixt', type: 'quantitative' }, y: { field: 'iyt', type: 'quantitative' } } },
    ],
  },
};

/** Items per named mark of the view's scenegraph, summed over the facet's cells. */
function itemCounts(view: Awaited<ReturnType<typeof headlessView>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const mark of sceneMarks(view)) if (mark.name) counts[mark.name] = (counts[mark.name] ?? 0) + mark.items.length;
  return counts;
}

describe('interactivePlane', () => {
  it('reads the slider stops and the switches from the figure\'s rows, leaving the figure as it was', () => {
    const before = JSON.stringify(planeLike);
    const { controls } = interactivePlane(planeLike);
    assert.equal(JSON.stringify(planeLike), before);
    assert.deepEqual(controls.epochs, epochs);
    assert.deepEqual(controls.toggles, [
      { field: 'layer', param: 'hiddenLayer', values: layers },
      { field: 'cell', param: 'hiddenCell', values: cells },
    ]);
  });

  it('draws every epoch at first, then the epochs up to the one chosen, or that one only', async () => {
    const { spec, controls } = interactivePlane(planeLike);
    const view = await headlessView(spec);
    try {
      assert.equal(itemCounts(view)['dots_marks'], cells.length * epochs.length * layers.length);
      await view.signal(controls.epochParam, 3).runAsync();
      assert.equal(itemCounts(view)['dots_marks'], cells.length * 3 * layers.length, 'epochs 0, 1 and 3');
      await view.signal(controls.onlyParam, true).runAsync();
      const dots = sceneMarks(view).filter((mark) => mark.name === 'dots_marks').flatMap((mark) => mark.items);
      assert.equal(dots.length, cells.length * layers.length);
      assert.ok(dots.every((dot) => dot.datum!['epoch'] === 3));
      assert.equal(itemCounts(view)['bounds_marks'], cells.length, 'the bound rules stay');
    } finally {
      view.finalize();
    }
  });

  it('switches layers off, and a panel off whole', async () => {
    const { spec } = interactivePlane(planeLike);
    const view = await headlessView(spec);
    try {
      await view.signal('hiddenLayer', ['b']).runAsync();
      assert.equal(itemCounts(view)['dots_marks'], cells.length * epochs.length * 2);
      await view.signal('hiddenCell', ['bin']).runAsync();
      const counts = itemCounts(view);
      assert.equal(counts['dots_marks'], epochs.length * 2);
      assert.equal(counts['bounds_marks'], 1);
    } finally {
      view.finalize();
    }
  });

  it('keeps an epoch colour scale on every logged epoch', () => {
    const { spec } = interactivePlane(planeLike);
    const lines = (spec as { spec: { layer: { encoding: { stroke?: { scale?: { domain?: unknown } } } }[] } }).spec.layer[1]!;
    assert.deepEqual(lines.encoding.stroke!.scale!.domain, [0, 10]);
  });

  it('makes the report\'s plane of the fixture run interactive: dots = layers × epochs × panels up to the epoch chosen', async () => {
    const run = await fixtureRun(MLP_CONFIG);
    const plane = runFigures(run).find((figure) => figure.id === 'information-plane');
    assert.ok(plane, 'the run has an information-plane figure');
    const { spec, controls } = interactivePlane(plane.spec);
    const runEpochs = run.records.map((record) => record.epoch);
    const runLayers = run.config.run.layers.map((layer) => layer.name);
    const panels = new Set(run.records[0]!.layers[0]!.estimates.map((estimate) => estimate.estimator)).size;
    assert.deepEqual(controls.epochs, runEpochs);
    assert.deepEqual(controls.toggles.find((toggle) => toggle.field === 'layer')?.values, runLayers);
    const view = await headlessView(spec);
    const dots = (): number => sceneMarks(view).filter((mark) => mark.marktype === 'symbol' && mark.role === 'mark').reduce((sum, mark) => sum + mark.items.length, 0);
    try {
      assert.equal(dots(), runLayers.length * runEpochs.length * panels);
      await view.signal(controls.epochParam, runEpochs[2]).runAsync();
      assert.equal(dots(), runLayers.length * 3 * panels);
    } finally {
      view.finalize();
    }
  });
});
