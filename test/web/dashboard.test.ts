/**
 * The dashboard's server over real HTTP on 127.0.0.1: the run list and a run's JSON as the reader gives
 * them, notices for broken runs, 404 for every name that is not a run (encoded, double-encoded,
 * absolute, a symlink out of the runs directory) and for paths out of the asset routes, the event stream.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Dashboard, type RunEntry, type RunView, startDashboard } from '../../src/web/index.js';
import { copyFixtureRun, holdBack, makeNonRun, makeRunsDir, metricsLines, rawGet } from './helpers.js';

interface Notice { level: string; file: string; line?: number; message: string }

const runsDir = makeRunsDir();
const outside = makeRunsDir('infoplane-web-outside-');
let dashboard: Dashboard;
let fixtureLines: string[];

before(async () => {
  const good = await copyFixtureRun(runsDir, 'good');
  fixtureLines = metricsLines(good);

  const truncated = await copyFixtureRun(runsDir, 'truncated');
  const last = fixtureLines.at(-1)!;
  writeFileSync(path.join(truncated, 'metrics.jsonl'), `${fixtureLines.slice(0, -1).join('\n')}\n${last.slice(0, last.length >> 1)}`);

  const newer = await copyFixtureRun(runsDir, 'newer');
  const config = JSON.parse(readFileSync(path.join(newer, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(newer, 'config.json'), JSON.stringify({ ...config, schemaVersion: 99 }));

  const empty = await copyFixtureRun(runsDir, 'empty');
  holdBack(empty, 0);

  const nan = await copyFixtureRun(runsDir, 'nan');
  const record = JSON.parse(fixtureLines[2]!) as { train: { loss: number | null } };
  record.train.loss = null;
  writeFileSync(path.join(nan, 'metrics.jsonl'), [...fixtureLines.slice(0, 2), JSON.stringify(record), ...fixtureLines.slice(3)].map((line) => `${line}\n`).join(''));

  makeNonRun(runsDir, 'notes');
  await copyFixtureRun(outside, 'secret');
  symlinkSync(path.join(outside, 'secret'), path.join(runsDir, 'escape'));

  dashboard = await startDashboard({ runsDir, port: 0 });
});

after(async () => {
  await dashboard?.close();
  rmSync(runsDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function getJson<T>(rawPath: string): Promise<{ status: number; json: T }> {
  const { status, body } = await rawGet(dashboard.url, rawPath);
  return { status, json: JSON.parse(body) as T };
}

describe('the run list', () => {
  it('lists each run with its state, epochs, accuracy and headline, and leaves out what is not a run', async () => {
    const { status, json: runs } = await getJson<RunEntry[]>('/api/runs');
    assert.equal(status, 200);
    assert.deepEqual(runs.map((run) => run.name), ['empty', 'good', 'nan', 'newer', 'truncated']);
    const good = runs.find((run) => run.name === 'good')!;
    const lastRecord = JSON.parse(fixtureLines.at(-1)!) as { epoch: number; test: { accuracy: number }; layers: { name: string; estimates: { estimator: string; ixt: unknown; iyt: unknown }[] }[] };
    const lastLayer = lastRecord.layers.at(-1)!;
    assert.equal(good.state, 'finished');
    assert.equal(good.loggedEpochs, fixtureLines.length);
    assert.equal(good.lastEpoch, lastRecord.epoch);
    assert.equal(good.testAccuracy, lastRecord.test.accuracy);
    assert.deepEqual(good.headline, { layer: lastLayer.name, estimator: lastLayer.estimates[0]!.estimator, method: 'concat', ixtBits: lastLayer.estimates[0]!.ixt, iytBits: lastLayer.estimates[0]!.iyt });
  });

  it('lists a run of an unknown schemaVersion as unreadable, with the reader\'s error', async () => {
    const { json: runs } = await getJson<RunEntry[]>('/api/runs');
    const newer = runs.find((run) => run.name === 'newer')!;
    assert.equal(newer.state, 'unreadable');
    assert.match(newer.error!, /schemaVersion 99/);
  });
});

describe('a run', () => {
  it('gives the run data with a notice for a cut-off last line, and the valid records', async () => {
    const { status, json: run } = await getJson<{ records: { epoch: number }[]; notices: Notice[] }>('/api/runs/truncated');
    assert.equal(status, 200);
    assert.equal(run.records.length, fixtureLines.length - 1);
    const notice = run.notices.find((n) => n.file === 'metrics.jsonl' && n.line === fixtureLines.length);
    assert.ok(notice, JSON.stringify(run.notices));
    assert.equal(notice.level, 'warning');
    assert.match(notice.message, /last line is incomplete/);
  });

  it('says "no logged epoch yet" for a run with an empty metrics.jsonl', async () => {
    const { json: view } = await getJson<RunView>('/api/runs/empty/figures');
    assert.equal(view.entry.loggedEpochs, 0);
    assert.equal(view.entry.state, 'running');
    assert.ok(view.notices.some((n) => n.message === 'no logged epoch yet'), JSON.stringify(view.notices));
  });

  it('keeps a record with a NaN metric and says where the non-finite value is', async () => {
    const { json: view } = await getJson<RunView>('/api/runs/nan/figures');
    assert.equal(view.entry.loggedEpochs, fixtureLines.length);
    assert.ok(view.notices.some((n) => n.line === 3 && /non-finite/.test(n.message) && /train\.loss/.test(n.message)), JSON.stringify(view.notices));
  });

  it('answers an unreadable run with its error as a warning notice', async () => {
    const { status, json: view } = await getJson<RunView>('/api/runs/newer/figures');
    assert.equal(status, 200);
    assert.equal(view.figures.length, 0);
    assert.ok(view.notices.some((n) => n.level === 'warning' && /schemaVersion 99/.test(n.message)));
  });

  it('serves the run page shell with the name escaped into a data attribute', async () => {
    const name = 'odd "<b>" & \'co\'';
    const odd = await copyFixtureRun(runsDir, name);
    try {
      const page = await rawGet(dashboard.url, `/runs/${encodeURIComponent(name)}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<body data-run="odd &quot;&lt;b&gt;&quot; &amp; &#39;co&#39;">/);
      assert.match(page.body, /<script src="\/vendor\/vega-embed\.min\.js"><\/script>/);
      assert.doesNotMatch(page.body, /<b>/);
    } finally {
      rmSync(odd, { recursive: true, force: true });
    }
  });

  it('serves the compare view of known runs only', async () => {
    const { status, json: view } = await getJson<{ runs: { entry: RunEntry }[] }>('/api/compare?runs=good,truncated');
    assert.equal(status, 200);
    assert.deepEqual(view.runs.map((run) => run.entry.name), ['good', 'truncated']);
    assert.equal((await rawGet(dashboard.url, '/api/compare?runs=good,..%2Fsecret')).status, 404);
    assert.equal((await rawGet(dashboard.url, '/compare?runs=good,escape')).status, 404);
    assert.equal((await rawGet(dashboard.url, '/compare?runs=good,truncated')).status, 200);
  });
});

describe('nothing outside RUNS_DIR', () => {
  const names = ['..%2F..%2Fetc', '%252e%252e%252f', '..', '%2e%2e', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%2Fetc%2Fpasswd', '%2F', 'escape', 'notes', 'good%2F..%2F..', '%00', ''];

  it('answers 404 for every name that is not a run, on the pages and the API', async () => {
    for (const name of names) {
      for (const route of ['/runs/', '/api/runs/']) {
        const { status, body } = await rawGet(dashboard.url, `${route}${name}`);
        assert.equal(status, 404, `${route}${name} → ${status}`);
        assert.doesNotMatch(body, /secret|root:/);
      }
      assert.equal((await rawGet(dashboard.url, `/api/runs/${name}/figures`)).status, 404, `/api/runs/${name}/figures`);
    }
  });

  it('answers 404 for dot segments the client did not resolve', async () => {
    for (const rawPath of ['/runs/../x', '/runs/../../etc/passwd', '/api/runs/../../../etc/passwd', '/runs/./good/..']) {
      assert.equal((await rawGet(dashboard.url, rawPath)).status, 404, rawPath);
    }
  });

  it('does not list a symlink that leads out of the runs directory', async () => {
    const { json: runs } = await getJson<RunEntry[]>('/api/runs');
    assert.ok(!runs.some((run) => run.name === 'escape'));
  });

  it('serves the page files and the three vega builds, and nothing else under the asset routes', async () => {
    for (const asset of ['/static/run.js', '/static/dashboard.css', '/vendor/vega.min.js', '/vendor/vega-lite.min.js', '/vendor/vega-embed.min.js']) {
      assert.equal((await rawGet(dashboard.url, asset)).status, 200, asset);
    }
    const escapes = [
      '/static/../../package.json', '/static/..%2f..%2f..%2fpackage.json', '/static/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/static/%252e%252e%252f%252e%252e%252fpackage.json', '/static//etc/passwd', '/static/%2Fetc%2Fpasswd', '/static/',
      '/vendor/../../package.json', '/vendor/..%2fpackage.json', '/vendor/vega.js', '/vendor/vega-schema.json', '/vendor/embed.d.ts',
      '/vendor/%2e%2e%2fpackage.json', '/vendor/', '/vendor//etc/passwd',
    ];
    for (const rawPath of escapes) {
      const { status, body } = await rawGet(dashboard.url, rawPath);
      assert.equal(status, 404, `${rawPath} → ${status}`);
      assert.doesNotMatch(body, /"name": "infoplane"|root:x:0/, rawPath);
    }
  });

  it('does not serve a run whose files are symbolic links out of the runs directory', async () => {
    const linked = await copyFixtureRun(runsDir, 'linked-config');
    rmSync(path.join(linked, 'config.json'));
    symlinkSync(path.join(outside, 'secret', 'config.json'), path.join(linked, 'config.json'));
    const { json: runs } = await getJson<RunEntry[]>('/api/runs');
    assert.ok(!runs.some((run) => run.name === 'linked-config'));
    const { status, body } = await rawGet(dashboard.url, '/api/runs/linked-config');
    assert.equal(status, 404);
    assert.doesNotMatch(body, /schemaVersion/);
    const examples = await copyFixtureRun(runsDir, 'linked-examples');
    const inputs = path.join(examples, 'examples', 'inputs.npy');
    rmSync(inputs);
    symlinkSync(path.join(outside, 'secret', 'examples', 'inputs.npy'), inputs);
    const read = await getJson<{ error?: string }>('/api/runs/linked-examples');
    assert.match(read.json.error ?? '', /linked-examples\/examples holds a symbolic link/);
  });

  it('refuses requests that name another host (DNS rebinding)', async () => {
    for (const host of ['attacker.example', '127.attacker.example', `127.0.0.1.nip.io:${new URL(dashboard.url).port}`]) {
      assert.equal((await rawGet(dashboard.url, '/api/runs', { host })).status, 403, host);
    }
    assert.equal((await rawGet(dashboard.url, '/api/runs', { host: `localhost:${new URL(dashboard.url).port}` })).status, 200);
  });
});

describe('the event stream', () => {
  it('sends the run list on connecting and the run\'s name when a line is appended to its metrics (bench:report times it)', async () => {
    const live = await copyFixtureRun(runsDir, 'live');
    const heldBack = holdBack(live, 3);
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), 10_000);
    try {
      const response = await fetch(new URL('/api/events', dashboard.url), { signal: controller.signal });
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const until = async (pattern: RegExp): Promise<RegExpMatchArray> => {
        for (let reads = 0; reads < 1000; reads++) {
          const match = text.match(pattern);
          if (match) return match;
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
        throw new Error(`no ${pattern} in the stream:\n${text}`);
      };
      const greeting = await until(/event: runs\ndata: (.*)\n\n/);
      assert.ok((JSON.parse(greeting[1]!) as RunEntry[]).some((run) => run.name === 'live'));
      text = '';
      appendFileSync(path.join(live, 'metrics.jsonl'), `${heldBack[0]}\n`);
      await until(/event: run\ndata: \{"name":"live"\}\n\n/);
      const list = await until(/event: runs\ndata: (.*)\n\n/);
      assert.equal((JSON.parse(list[1]!) as RunEntry[]).find((run) => run.name === 'live')!.loggedEpochs, 4);
    } finally {
      clearTimeout(deadline);
      controller.abort();
      rmSync(live, { recursive: true, force: true });
    }
  });
});

describe('startDashboard', () => {
  it('fails with a clear message for a runs directory that does not exist', async () => {
    await assert.rejects(startDashboard({ runsDir: path.join(runsDir, 'missing'), port: 0 }), /the runs directory .*missing does not exist/);
  });

  it('checks its options with the project\'s message template', async () => {
    await assert.rejects(startDashboard({ runsDir, port: 70_000 }), { name: 'TypeError', message: 'Expected a port from 0 to 65535 for port but received 70000' });
    writeFileSync(path.join(runsDir, 'a-file'), '');
    await assert.rejects(startDashboard({ runsDir: path.join(runsDir, 'a-file'), port: 0 }), /is not a directory/);
  });

  it('binds 127.0.0.1 by default', async () => {
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
