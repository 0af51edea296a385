/** The report, the comparison and the tidy export, from real small runs. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXPORT_COLUMNS, csvLines, exportRows, jsonLines } from '../../src/report/export.js';
import { runFigures } from '../../src/report/figures/index.js';
import { writeComparison, writeReport } from '../../src/report/report.js';
import { withoutTooltips } from '../../src/report/render.js';
import { readRun } from '../../src/store/index.js';
import { reestimateRun } from '../../src/experiment/reestimate.js';
import { parseEstimatorSpec } from '../../src/info/index.js';
import { CNN_CONFIG, MLP_CONFIG, fixtureRun, fixtureRunDir } from './fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-report-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The figure specs inlined in a report page. */
function inlinedSpecs(html: string): unknown[] {
  const match = /<script type="application\/json" id="figure-specs">(.*?)<\/script>/s.exec(html);
  assert.ok(match, 'the page inlines its figure specs');
  return JSON.parse(match[1]!) as unknown[];
}

describe('infoplane report', () => {
  it('writes one self-contained page: libraries and every figure inline, nothing fetched, each figure as SVG and PNG', async () => {
    const runDir = await fixtureRunDir(MLP_CONFIG);
    const out = path.join(root, 'mlp');
    const outcome = await writeReport(runDir, { out });
    const html = readFileSync(outcome.html, 'utf8');
    // Offline: no script or stylesheet from anywhere else.
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/);
    assert.match(html, /vegaEmbed/);
    const figures = runFigures(readRun(runDir));
    assert.equal(inlinedSpecs(html).length, figures.length);
    for (const figure of figures) {
      assert.ok(html.includes(`id="${figure.id}"`), figure.id);
      const svg = readFileSync(path.join(out, 'figures', `${figure.id}.svg`), 'utf8');
      assert.match(svg, /^<svg/);
      // A PNG: its signature and an IHDR chunk with a non-empty size.
      const png = readFileSync(path.join(out, 'figures', `${figure.id}.png`));
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.ok(png.readUInt32BE(16) > 100 && png.readUInt32BE(20) > 100);
    }
    assert.equal(outcome.files.length, 2 * figures.length);
  });

  it('the page holds the run, its last estimates per layer and estimator, and the hypothesis tests with their settings', async () => {
    const run = await fixtureRun(MLP_CONFIG);
    const { html: file } = await writeReport(run.dir, { out: path.join(root, 'mlp-text'), figureFiles: false });
    const html = readFileSync(file, 'utf8');
    const last = run.records.at(-1)!;
    assert.match(html, new RegExp(`Estimates at epoch ${last.epoch}`));
    for (const layer of last.layers) {
      assert.ok(html.includes(layer.name));
      const kde = layer.estimates.find((e) => e.estimator === 'kde')!;
      assert.ok(html.includes(`${kde.ixt.lower.toFixed(3)}–${kde.ixt.upper.toFixed(3)}`), `${layer.name} KDE I(X;T) bounds`);
    }
    assert.match(html, /Statistical heuristics with stated nulls/);
    assert.match(html, new RegExp(`${run.summary!.settings.permutations} residual permutations`));
  });

  it('a run cut off mid-line reports what is valid, with the notice on the page', async () => {
    const dir = path.join(root, 'cut');
    cpSync(await fixtureRunDir(MLP_CONFIG), dir, { recursive: true });
    const metrics = path.join(dir, 'metrics.jsonl');
    const text = readFileSync(metrics, 'utf8');
    writeFileSync(metrics, text.slice(0, text.length - 300));
    const outcome = await writeReport(dir, { figureFiles: false });
    assert.equal(outcome.notices.length, 1);
    assert.match(readFileSync(outcome.html, 'utf8'), /class="notice warning">metrics\.jsonl, line \d+: the last line is incomplete/);
  });

  it('compare: one page over several runs, each described; fewer than two runs is an error', async () => {
    const dirs = [await fixtureRunDir(MLP_CONFIG), await fixtureRunDir(CNN_CONFIG)];
    const outcome = await writeComparison(dirs, { out: path.join(root, 'compare'), figureFiles: false });
    const html = readFileSync(outcome.html, 'utf8');
    assert.match(html, /tiny-mlp · tiny-cnn/);
    assert.ok(html.includes('conv2d_1'));
    await assert.rejects(writeComparison(dirs.slice(0, 1), { out: path.join(root, 'compare1') }), /compare needs at least two runs, got 1/);
  });
});

describe('infoplane export', () => {
  it('one row per run, epoch, layer, estimate, quantity and bound, with the stored numbers', async () => {
    const run = await fixtureRun(MLP_CONFIG);
    const rows = [...exportRows([run])];
    // Per layer and epoch: KDE gives lower and upper of I(X;T), I(Y;T), H(T) (6 rows), binning one value each (3).
    assert.equal(rows.length, run.records.length * 3 * (6 + 3));
    const record = run.records[3]!;
    const layer = record.layers[1]!;
    const row = rows.find((r) => r.epoch === record.epoch && r.layer === layer.name && r.estimator === 'kde σ²=0.1' && r.quantity === 'iyt' && r.bound === 'upper')!;
    assert.equal(row.value, layer.estimates[0]!.iyt.upper);
    assert.equal(row.train_loss, record.train.loss);
    assert.equal(row.snr, layer.gradient!['kernel']!.snr);
    assert.equal(rows.filter((r) => r.estimator === 'bin size 0.5').every((r) => r.bound === 'value'), true);
    const jsonl = [...jsonLines(rows)];
    assert.deepEqual(JSON.parse(jsonl[7]!), rows[7]);
  });

  it('a re-estimated run adds its rows, marked re-estimated, beside the same epoch\'s losses', async () => {
    const dir = path.join(root, 'export-reestimated');
    cpSync(await fixtureRunDir(MLP_CONFIG), dir, { recursive: true });
    await reestimateRun(dir, { settings: [parseEstimatorSpec({ name: 'bin', binsize: 0.25 })], workers: 1 });
    const run = readRun(dir);
    const rows = [...exportRows([run])];
    const again = rows.filter((r) => r.source === 're-estimated');
    assert.equal(again.length, run.records.length * 3 * 3);
    assert.equal(rows.filter((r) => r.source === 'recorded').length, run.records.length * 3 * (6 + 3));
    const line = run.reestimates[0]!.records[1]!;
    const row = again.find((r) => r.epoch === line.epoch && r.layer === line.layers[2]!.name && r.quantity === 'ixt')!;
    assert.deepEqual([row.estimator, row.bound, row.value, row.train_loss], ['bin size 0.25', 'value', line.layers[2]!.estimates[0]!.ixt.upper, run.records[1]!.train.loss]);
  });

  it("the CSV reads back in Python's csv module (quoting, empty cells for missing values)", { skip: !existsSync('/usr/bin/python3') && 'no /usr/bin/python3' }, async () => {
    const run = await fixtureRun(MLP_CONFIG);
    const renamed = { ...run, name: 'a "quoted", run' };
    const file = path.join(root, 'table.csv');
    writeFileSync(file, [...csvLines(exportRows([renamed]))].join(''));
    const read = execFileSync('/usr/bin/python3', ['-c', `
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows), list(rows[0].keys()) == sys.argv[2].split(","), rows[0]["run"], repr(rows[0]["grad_mean"]), float(rows[5]["value"]))
`, file, EXPORT_COLUMNS.join(',')], { encoding: 'utf8' });
    const rows = [...exportRows([renamed])];
    assert.equal(read, `${rows.length} True a "quoted", run '' ${String(rows[5]!.value)}\n`);
  });
});

describe('static rendering', () => {
  it('drops tooltips from marks and encodings but leaves inline data alone', () => {
    const spec = {
      data: { values: [{ tooltip: 'a data field', x: 1 }] },
      mark: { type: 'point', tooltip: true },
      encoding: { x: { field: 'x' }, tooltip: [{ field: 'x' }] },
      layer: [{ encoding: { tooltip: { field: 'x' } } }],
    };
    assert.deepEqual(withoutTooltips(spec), {
      data: { values: [{ tooltip: 'a data field', x: 1 }] },
      mark: { type: 'point' },
      encoding: { x: { field: 'x' } },
      layer: [{ encoding: {} }],
    });
  });
});
