/**
 * The JSON the pages read. Runs are addressed by name and looked up in the runs directory's listing
 * (runs-directory.ts): any other name is a 404, whatever its encoding. A run that exists but cannot be
 * read answers 200 with its error in the entry and a notice, so the page shows why.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RunsDirectory } from './runs-directory.js';
import type { SweepsDirectory } from './sweeps-directory.js';
import { compareView, runView } from './views.js';

/** The run names of a `?runs=a,b` query, in order, each once. */
export function compareNames(query: unknown): string[] {
  const value = (query as { runs?: unknown } | undefined)?.runs;
  const list = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
  return [...new Set(list.split(',').map((name) => name.trim()).filter((name) => name !== ''))];
}

/** A 404 naming what was asked for (JSON-escaped, never used as a path). */
export function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `${what} is not a run of this dashboard` });
}

export function registerApi(app: FastifyInstance, runs: RunsDirectory, sweeps: SweepsDirectory): void {
  app.get('/api/runs', async () => runs.list());

  app.get('/api/sweeps', async () => sweeps.list());

  app.get<{ Params: { name: string } }>('/api/sweeps/:name', async (request, reply) => {
    const view = sweeps.view(request.params.name);
    if (!view) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `${JSON.stringify(request.params.name)} is not a sweep of this dashboard` });
    return view;
  });

  app.get<{ Params: { name: string } }>('/api/runs/:name', async (request, reply) => {
    const read = runs.read(request.params.name);
    if (!read) return notFound(reply, JSON.stringify(request.params.name));
    // The run without its absolute directory: the page addresses it by name only.
    if (!read.run) return { name: request.params.name, error: read.error };
    const { dir: _dir, ...run } = read.run;
    return run;
  });

  app.get<{ Params: { name: string } }>('/api/runs/:name/figures', async (request, reply) => {
    const read = runs.read(request.params.name);
    if (!read) return notFound(reply, JSON.stringify(request.params.name));
    return runView(request.params.name, read);
  });

  app.get('/api/compare', async (request, reply) => {
    const names = compareNames(request.query);
    if (names.length === 0) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'name the runs to compare: /api/compare?runs=a,b' });
    const reads = names.map((name) => ({ name, read: runs.read(name) }));
    const missing = reads.filter(({ read }) => !read).map(({ name }) => JSON.stringify(name));
    if (missing.length > 0) return notFound(reply, missing.join(', '));
    return compareView(reads.map(({ name, read }) => ({ name, read: read! })));
  });
}
