/**
 * Server-sent events: every open page holds one `/api/events` stream and hears `runs` (the run list,
 * whenever any run changed, appeared or went away) and `run` (`{ name }` of a run whose files changed).
 * The browser's EventSource reconnects by itself; pages fetch what they show after each (re)connect.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** A keep-alive comment this often, so proxies and idle timeouts leave the stream open. */
const HEARTBEAT_MS = 15_000;

/** The open event streams. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(client: ServerResponse): void {
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
  }

  /** Sends one event to every stream (or to `only`). */
  send(event: string, data: unknown, only?: ServerResponse): void {
    const message = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    if (only) only.write(message);
    else this.write(message);
  }

  private write(text: string): void {
    for (const client of this.clients) client.write(text);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

/** The `/api/events` route; `greet` sends a new stream the current state. */
export function registerEvents(app: FastifyInstance, hub: EventHub, greet: (client: ServerResponse) => void): void {
  app.get('/api/events', (request, reply) => {
    reply.hijack();
    const client = reply.raw;
    client.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // Reconnect after 1 s when the stream drops (the browser's default is about 3 s).
    client.write('retry: 1000\n\n');
    hub.add(client);
    request.raw.on('close', () => client.end());
    greet(client);
  });
}
