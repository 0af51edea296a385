/** The run-store format: the validating reader on real and damaged runs, and the generated JSON Schema. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/experiment/config.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { reestimateRun } from '../../src/experiment/reestimate.js';
import { parseEstimatorSpec } from '../../src/info/index.js';
import { RunFormatError, readRun } from '../../src/store/index.js';
import { runStoreJsonSchema } from '../../src/store/json-schema.js';
import { tinyConfig } from '../experiment/fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
const reference = path.join(root, 'reference');
let copies = 0;
/** A copy of the reference run to damage. */
const copy = (): string => {
  const dir = path.join(root, `copy${copies++}`);
  cpSync(reference, dir, { recursive: true });
  return dir;
};
const metricsLines = (dir: string): string[] => readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
const writeLines = (dir: string, lines: string[], trailingNewline = true): void => writeFileSync(path.join(dir, 'metrics.jsonl'), lines.join('\n') + (trailingNewline ? '\n' : ''));

before(async () => {
  await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 3 }), out: reference });
});

describe('readRun', () => {
  it('reads a finished run: config, status, every record and the summary, with no notices', () => {
    const run = readRun(reference);
    assert.deepEqual(run.notices, []);
    assert.equal(run.name, 'reference');
    assert.equal(run.config.config.seed, 3);
    assert.equal(run.config.run.probe.samples, 300);
    assert.equal(run.status!.state, 'finished');
    assert.deepEqual(run.records.map((r) => r.epoch), [0, 1, 2, 3]);
    assert.deepEqual(run.records[2]!.layers.map((l) => l.name), ['dense_1', 'dense_2', 'dense_3']);
    assert.equal(run.summary!.layers.length, 3);
  });

  it('a cut-off last line (a run mid-write) is reported and skipped; the records before it are kept', () => {
    const dir = copy();
    const lines = metricsLines(dir);
    writeLines(dir, [...lines.slice(0, 3), lines[3]!.slice(0, 200)], false);
    const run = readRun(dir);
    assert.deepEqual(run.records.map((r) => r.epoch), [0, 1, 2]);
    assert.equal(run.notices.length, 1);
    assert.deepEqual([run.notices[0]!.file, run.notices[0]!.line, run.notices[0]!.level], ['metrics.jsonl', 4, 'warning']);
    assert.match(run.notices[0]!.message, /last line is incomplete/);
  });

  it('a garbled or invalid line in the middle is reported with its line number; the others are read', () => {
    const dir = copy();
    const lines = metricsLines(dir);
    const wrong = JSON.parse(lines[2]!) as { train: { loss: unknown } };
    wrong.train.loss = 'low';
    writeLines(dir, [lines[0]!, 'not json', JSON.stringify(wrong), lines[3]!]);
    const run = readRun(dir);
    assert.deepEqual(run.records.map((r) => r.epoch), [0, 3]);
    assert.deepEqual(run.notices.map((n) => n.line), [2, 3]);
    assert.match(run.notices[0]!.message, /line 2 is not valid JSON/);
    assert.match(run.notices[1]!.message, /line 3 does not match the metrics format: train\.loss: Expected number, received string/);
  });

  it('a line of an unknown schemaVersion is skipped with a notice; a config of an unknown one is an error', () => {
    const dir = copy();
    const lines = metricsLines(dir);
    writeLines(dir, [lines[0]!, lines[1]!.replace('"schemaVersion":2', '"schemaVersion":7')]);
    const run = readRun(dir);
    assert.deepEqual(run.records.map((r) => r.epoch), [0]);
    assert.match(run.notices[0]!.message, /line 2 has schemaVersion 7; this infoplane reads 1 and 2/);
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { schemaVersion: number };
    config.schemaVersion = 9;
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    assert.throws(() => readRun(dir), (error: Error) => error instanceof RunFormatError && /config\.json has schemaVersion 9, but this infoplane reads version 1/.test(error.message));
  });

  it('NaN and ∞ (written as null) are read as NaN, with a notice saying where', () => {
    const dir = copy();
    const lines = metricsLines(dir);
    const record = JSON.parse(lines[1]!) as { test: { loss: number | null } };
    record.test.loss = null;
    writeLines(dir, [lines[0]!, JSON.stringify(record)]);
    const run = readRun(dir);
    assert.ok(Number.isNaN(run.records[1]!.test.loss));
    assert.equal(run.notices.length, 1);
    assert.match(run.notices[0]!.message, /1 record\(s\) hold non-finite values .* first test\.loss on line 2/);
  });

  it('a run written before the clustering scores (no layers[].clustering, no config clustering) reads without notices; null clustering is not a non-finite value', () => {
    const dir = copy();
    const lines = metricsLines(dir).map((line) => JSON.parse(line) as { layers: { clustering?: unknown }[] });
    assert.ok(lines.every((line) => line.layers.every((layer) => typeof layer.clustering === 'object' && layer.clustering !== null)), 'the reference run records clustering');
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { config: { clustering?: unknown } };
    delete config.config.clustering;
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    writeLines(dir, lines.map((line, index) => JSON.stringify({ ...line, layers: line.layers.map(({ clustering: _, ...layer }) => (index === 0 ? { ...layer, clustering: null } : layer)) })));
    const run = readRun(dir);
    assert.deepEqual(run.notices, []);
    assert.deepEqual(run.records.map((record) => record.layers.map((layer) => layer.clustering)), [[null, null, null], ...[1, 2, 3].map(() => [undefined, undefined, undefined])]);
    assert.equal(run.config.config.clustering.samples, 2000, 'the default fills in');
  });

  it('a run with no logged epoch yet, and one without status or summary, read with notices', () => {
    const dir = copy();
    rmSync(path.join(dir, 'metrics.jsonl'));
    rmSync(path.join(dir, 'status.json'));
    rmSync(path.join(dir, 'summary.json'));
    const run = readRun(dir);
    assert.deepEqual([run.records, run.summary, run.status], [[], undefined, undefined]);
    assert.deepEqual(run.notices.map((n) => n.file).sort(), ['metrics.jsonl', 'status.json']);
  });

  it('a directory that is not a run is an error naming it and the fix', () => {
    const empty = mkdtempSync(path.join(root, 'empty-'));
    assert.throws(() => readRun(empty), new RegExp(`${empty} is not a run directory \\(no config\\.json\\): give a directory that infoplane run wrote`));
    assert.throws(() => readRun(path.join(root, 'missing')), /is not a directory/);
    writeFileSync(path.join(empty, 'config.json'), '{"schemaVersion": 1, "config": {}');
    assert.throws(() => readRun(empty), /config\.json is not valid JSON/);
  });
});

describe('the JSON Schema of the run store', () => {
  const docs = fileURLToPath(new URL('../../../docs/run-store.schema.json', import.meta.url));

  it('docs/run-store.schema.json is what the zod definitions generate (regenerate: npm run schema)', () => {
    assert.deepEqual(JSON.parse(readFileSync(docs, 'utf8')), runStoreJsonSchema());
  });

  it("Python's jsonschema accepts every file of a real run against it, and rejects a damaged line", { skip: !existsSync('/usr/bin/python3') && 'no /usr/bin/python3' }, () => {
    const check = `
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
definitions = schema["definitions"]
def check(name, value):
    jsonschema.Draft7Validator({**definitions[name], "definitions": definitions}).validate(value)
run = sys.argv[2]
for name in ["config.json", "status.json", "summary.json"]:
    check(name, json.load(open(f"{run}/{name}")))
lines = [json.loads(line) for line in open(f"{run}/metrics.jsonl")]
for line in lines:
    check("metrics.jsonl line", line)
lines[1]["train"]["loss"] = "low"
try:
    check("metrics.jsonl line", lines[1])
    print("accepted")
except jsonschema.ValidationError as error:
    print("rejected", list(error.path))
print(len(lines))
`;
    const output = execFileSync('/usr/bin/python3', ['-c', check, docs, reference], { encoding: 'utf8' });
    assert.equal(output, "rejected ['train', 'loss']\n4\n");
  });

  it("Python's jsonschema accepts a re-estimation's files", { skip: !existsSync('/usr/bin/python3') && 'no /usr/bin/python3' }, async () => {
    const dir = copy();
    await reestimateRun(dir, { settings: [parseEstimatorSpec({ name: 'kde', noiseVariance: 1e-3 }), parseEstimatorSpec({ name: 'bin', binsize: 0.1 })], workers: 1 });
    const check = `
import json, os, sys, jsonschema
schema = json.load(open(sys.argv[1]))
definitions = schema["definitions"]
def check(name, value):
    jsonschema.Draft7Validator({**definitions[name], "definitions": definitions}).validate(value)
root = os.path.join(sys.argv[2], "reestimates")
count = 0
for entry in sorted(os.listdir(root)):
    check("reestimate.json", json.load(open(os.path.join(root, entry, "reestimate.json"))))
    for line in open(os.path.join(root, entry, "estimates.jsonl")):
        check("estimates.jsonl line", json.loads(line)); count += 1
print(count)
`;
    assert.equal(execFileSync('/usr/bin/python3', ['-c', check, docs, dir], { encoding: 'utf8' }), '8\n');
  });
});
