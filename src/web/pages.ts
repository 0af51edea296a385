/**
 * The pages: small server-rendered HTML shells that load vega, vega-lite and vega-embed (served from
 * node_modules) and the dashboard's own script (static/), which fetches the JSON API and listens to the
 * event stream. The shell carries what the script needs (the run's name) in data attributes, escaped.
 */
import type { FastifyInstance } from 'fastify';
import { compareNames } from './api.js';
import type { RunsDirectory } from './runs-directory.js';
import type { SweepsDirectory } from './sweeps-directory.js';
import path from 'node:path';
import { BROWSER_LIBRARIES, escapeHtml } from '../report/html.js';

/** The vega builds every page loads, in dependency order (the vendor route serves exactly these): the report's list. */
export const VENDOR_SCRIPTS = BROWSER_LIBRARIES.map(([, file]) => path.basename(file));

interface Shell {
  title: string;
  /** The page's module under static/ (with the vega builds before it); none for a page without charts. */
  script?: string;
  /** data-* attributes of <body>, values escaped here. */
  data?: Record<string, string>;
  /** Static HTML of the page's frame (no user text unless escaped). */
  body: string;
}

function shell({ title, script, data = {}, body }: Shell): string {
  const attributes = Object.entries(data).map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · infoplane</title>
<link rel="stylesheet" href="/static/dashboard.css">
${script ? [...VENDOR_SCRIPTS.map((file) => `<script src="/vendor/${file}"></script>`), `<script type="module" src="/static/${script}"></script>`].join('\n') : ''}
</head>
<body${attributes}>
${body}
</body>
</html>
`;
}

const NOTICES = '<div id="notices" class="notices" role="status" aria-live="polite"></div>';

function notFoundPage(what: string): string {
  return shell({
    title: 'not found',
    body: `<header><a href="/">← runs</a><h1>Not found</h1></header>\n<main><p class="empty">${escapeHtml(what)} is not a run of this dashboard.</p></main>`,
  });
}

export function registerPages(app: FastifyInstance, runs: RunsDirectory, sweeps: SweepsDirectory): void {
  // Browsers ask for it on every page; there is none.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(shell({
    title: 'runs',
    script: 'list.js',
    data: { root: runs.root },
    body: `<header><h1>infoplane runs</h1><span class="where" id="root"></span></header>
${NOTICES}
<main>
<table id="runs" class="runs"><thead><tr><th></th><th>run</th><th>state</th><th>logged epochs</th><th>last epoch</th><th>test accuracy</th><th>headline (last layer)</th><th>I(X;T) bits</th><th>I(Y;T) bits</th><th>notices</th></tr></thead><tbody></tbody></table>
<table id="sweeps" class="runs" hidden><thead><tr><th>sweep</th><th>settings</th><th>trials</th><th>progress</th></tr></thead><tbody></tbody></table>
<p class="empty" id="no-runs" hidden>No run in this directory yet: runs that <code>infoplane run --out</code> writes here appear by themselves.</p>
<p><button id="compare" type="button" disabled>compare selected runs</button></p>
</main>`,
  })));

  app.get<{ Params: { name: string } }>('/runs/:name', async (request, reply) => {
    const { name } = request.params;
    if (!runs.has(name)) return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(JSON.stringify(name)));
    return reply.type('text/html; charset=utf-8').send(shell({
      title: name,
      script: 'run.js',
      data: { run: name },
      body: `<header><a href="/">← runs</a><h1 id="title"></h1><span class="state" id="state"></span><span class="where" id="progress"></span></header>
${NOTICES}
<main id="figures"><p class="empty">loading…</p></main>`,
    }));
  });

  app.get<{ Params: { name: string } }>('/sweeps/:name', async (request, reply) => {
    const { name } = request.params;
    if (!sweeps.has(name)) return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(JSON.stringify(name)));
    return reply.type('text/html; charset=utf-8').send(shell({
      title: `sweep ${name}`,
      script: 'sweep.js',
      data: { sweep: name },
      body: `<header><a href="/">← runs</a><h1 id="title"></h1><span class="where" id="progress"></span></header>
${NOTICES}
<main><table id="trials" class="runs"><thead><tr><th>trial</th><th>setting</th><th>seed</th><th>state</th><th>epoch</th><th>error</th></tr></thead><tbody></tbody></table>
<div id="figures"><p class="empty">loading…</p></div></main>`,
    }));
  });

  app.get('/compare', async (request, reply) => {
    const names = compareNames(request.query);
    const missing = names.filter((name) => !runs.has(name));
    if (names.length === 0 || missing.length > 0) {
      return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(names.length === 0 ? 'an empty list' : missing.map((name) => JSON.stringify(name)).join(', ')));
    }
    return reply.type('text/html; charset=utf-8').send(shell({
      title: `compare ${names.join(', ')}`,
      script: 'compare.js',
      data: { runs: names.join(',') },
      body: `<header><a href="/">← runs</a><h1>compare</h1><span class="where" id="names"></span></header>
${NOTICES}
<main><table id="runs" class="runs"><thead><tr><th>run</th><th>state</th><th>logged epochs</th><th>last epoch</th><th>test accuracy</th><th>notices</th></tr></thead><tbody></tbody></table>
<div id="figures"><p class="empty">loading…</p></div></main>`,
    }));
  });
}
