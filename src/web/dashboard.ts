/**
 * `infoplane serve`'s server: fastify with @fastify/static for the page's files and the vega builds, the
 * JSON API, the pages and the event stream, over a runs directory that it only reads. It binds
 * 127.0.0.1 unless told otherwise, and then answers only requests that name a loopback host (a web page
 * elsewhere cannot reach it through DNS rebinding).
 */
import { statSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { invalid } from '../tensor/validate.js';
import { registerApi } from './api.js';
import { EventHub, registerEvents } from './events.js';
import { BROWSER_LIBRARIES, packageFile } from '../report/html.js';
import { VENDOR_SCRIPTS, registerPages } from './pages.js';
import { RunsDirectory } from './runs-directory.js';
import { SweepsDirectory } from './sweeps-directory.js';
import { StoreWatcher } from './store-watcher.js';

export interface DashboardOptions {
  /** The directory whose child directories are runs. */
  runsDir: string;
  /** Address to bind; the default, 127.0.0.1, is reachable from this machine only. */
  host?: string;
  /** Port; 0 picks a free one (the URL says which). */
  port?: number;
  /** How often the store is polled besides fs.watch, in milliseconds. */
  pollMs?: number;
}

export interface Dashboard {
  /** Where the dashboard answers, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** Stops watching, ends the event streams and closes the server. */
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', port: 8080, pollMs: 500 } as const;

/** The page's own files: plain JS and CSS kept in the source tree (tsc copies no other files). */
const STATIC_DIR = fileURLToPath(new URL('../../../src/web/static/', import.meta.url));

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** localhost, ::1 or an IPv4 address in 127.0.0.0/8 — not any name that merely starts with "127." (DNS rebinding). */
function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || (isIPv4(host) && host.split('.')[0] === '127');
}

/** The hostname of a Host header, without its port. */
function hostname(header: string | undefined): string {
  if (!header) return '';
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '');
}

function checkOptions(options: DashboardOptions): Required<DashboardOptions> {
  const { runsDir, host = DEFAULTS.host, port = DEFAULTS.port, pollMs = DEFAULTS.pollMs } = options;
  if (typeof runsDir !== 'string' || runsDir === '') invalid('a directory path', 'runsDir', runsDir);
  let isDirectory = false;
  try {
    isDirectory = statSync(runsDir).isDirectory();
  } catch {
    throw new Error(`the runs directory ${runsDir} does not exist: give the directory that holds your run directories (infoplane run writes into runs/ by default)`);
  }
  if (!isDirectory) throw new Error(`${runsDir} is not a directory: give the directory that holds your run directories`);
  if (typeof host !== 'string' || host === '') invalid('an address to bind', 'host', host);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) invalid('a port from 0 to 65535', 'port', port);
  if (typeof pollMs !== 'number' || !(pollMs > 0)) invalid('a positive number of milliseconds', 'pollMs', pollMs);
  return { runsDir, host, port, pollMs };
}

/**
 * The dashboard's fastify app over a runs directory, not yet listening, with its event hub (the store
 * watcher that feeds the hub is started by `startDashboard`, the way to run it).
 *
 * @example
 * const { app } = await buildDashboard('runs');
 * const list = (await app.inject('/api/runs')).json();
 */
export async function buildDashboard(runsDir: string, options: { loopbackOnly?: boolean } = {}): Promise<{ app: FastifyInstance; runs: RunsDirectory; hub: EventHub }> {
  const runs = new RunsDirectory(runsDir);
  const sweeps = new SweepsDirectory(runsDir);
  const hub = new EventHub();
  const app = Fastify({ forceCloseConnections: true });
  app.addHook('onClose', async () => hub.close());

  if (options.loopbackOnly ?? true) {
    app.addHook('onRequest', async (request, reply) => {
      if (!isLoopback(hostname(request.headers.host))) {
        await reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'this dashboard answers requests to 127.0.0.1 or localhost only' });
      }
    });
  }
  app.addHook('onSend', async (_request, reply, payload) => {
    // vega compiles its expressions with Function(), hence 'unsafe-eval'; nothing is loaded from elsewhere.
    reply.header('content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:");
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', index: false, list: false, wildcard: true });
  const vendor = new Set<string>(VENDOR_SCRIPTS.map((file) => `/${file}`));
  await app.register(fastifyStatic, {
    root: BROWSER_LIBRARIES.map(([name, file]) => path.dirname(packageFile(name, file))),
    prefix: '/vendor/',
    decorateReply: false,
    index: false,
    list: false,
    allowedPath: (pathName) => vendor.has(pathName),
  });
  // @fastify/static refuses some malformed paths with 403; to the page there is nothing there.
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode === 403 ? 404 : (error.statusCode ?? 500);
    return reply.code(status).send({ statusCode: status, error: status === 404 ? 'Not Found' : 'Error', message: status === 404 ? 'not found' : error.message });
  });

  registerApi(app, runs, sweeps);
  registerPages(app, runs, sweeps);
  registerEvents(app, hub, (client) => hub.send('runs', runs.list(), client));
  return { app, runs, hub };
}

/**
 * Serves the dashboard of a runs directory until `close()`.
 *
 * @example
 * const dashboard = await startDashboard({ runsDir: 'runs', port: 0 });
 * console.log(`open ${dashboard.url}`);
 * // … later
 * await dashboard.close();
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { runsDir, host, port, pollMs } = checkOptions(options);
  const { app, runs, hub } = await buildDashboard(runsDir, { loopbackOnly: isLoopback(host) });
  const watcher = new StoreWatcher(runs, (change) => {
    if (hub.size === 0) return;
    hub.send('runs', runs.list());
    for (const name of change.changed) hub.send('run', { name });
  }, { pollMs });
  app.addHook('onClose', async () => watcher.close());
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port: bound } = app.server.address() as { port: number };
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`, close: () => app.close() };
}
