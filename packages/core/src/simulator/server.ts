/**
 * Serves a fetch-style handler over real HTTP on localhost, for the CLI sandbox, benchmarks and clients that
 * cannot take a custom fetch. `node:http` is imported lazily so this module stays loadable on any runtime.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ServeOptions {
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
}

export interface RunningServer {
  /** Origin to send requests to, e.g. `http://127.0.0.1:53211`. */
  url: string;
  port: number;
  /** Stops accepting requests and closes every open connection. */
  close(): Promise<void>;
}

async function toRequest(incoming: IncomingMessage, origin: string, signal: AbortSignal): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = chunks.length > 0 && incoming.method !== 'GET' && incoming.method !== 'HEAD';
  return new Request(new URL(incoming.url ?? '/', origin), {
    method: incoming.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(body.length);
  outgoing.writeHead(response.status, headers);
  outgoing.end(body);
}

export async function serve(
  handle: (request: Request) => Promise<Response>,
  options: ServeOptions = {},
): Promise<RunningServer> {
  const { createServer } = await import('node:http');
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const server = createServer((incoming, outgoing) => {
    const controller = new AbortController();
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) controller.abort(new Error('client closed the connection'));
    });
    toRequest(incoming, origin, controller.signal)
      .then(handle)
      .then((response) => send(response, outgoing))
      .catch((error: unknown) => {
        if (error instanceof Error && error.name === 'NetworkFault') {
          incoming.socket.destroy();
          return;
        }
        if (controller.signal.aborted) return;
        outgoing.writeHead(500, { 'content-type': 'text/plain' });
        outgoing.end(`simulator error: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  origin = `http://${host}:${port}`;
  return {
    url: origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
