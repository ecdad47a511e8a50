/**
 * Answers that break off after their headers, from a real HTTP server (a mocked fetch ends a broken body
 * cleanly): ky's time limit ends with the headers, so the body's arrival needs its own.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeoutError, TransientError } from '../src/errors.ts';
import { HttpClient } from '../src/http/http-client.ts';

let server: Server;
let baseURL = '';
const calls: string[] = [];
/** Connections that carried a stalled answer, and whether each was closed. */
const stalledSockets: { closed: boolean }[] = [];

/** A body whose multi-byte characters (3 and 4 bytes in UTF-8) the `/pieces` answer splits between writes. */
const PIECES_BODY = '  {"title":"Umsatz € 2026 🎯","owner":"Zoë"}\n';

/**
 * `/stall` sends half a body and stops; `/reset` sends half a body and drops the connection; `/pieces` sends
 * its body a few bytes at a time; `/ok` answers.
 */
beforeAll(async () => {
  server = createServer((request, response) => {
    calls.push(`${request.method} ${request.url}`);
    if (request.url === '/ok') return void response.end('{"ok":true}');
    if (request.url === '/pieces') return void writeInPieces(response, Buffer.from(PIECES_BODY), 5);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    response.write('{"id":"g-1",');
    if (request.url === '/reset') setTimeout(() => request.socket.destroy(), 20);
    if (request.url === '/stall') {
      const socket = { closed: false };
      stalledSockets.push(socket);
      request.socket.once('close', () => {
        socket.closed = true;
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Writes `body` `size` bytes at a time, each write after the last one was flushed, so each is a chunk. */
function writeInPieces(response: ServerResponse, body: Buffer, size: number): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  const next = (offset: number): void => {
    if (offset >= body.length) return void response.end();
    response.write(body.subarray(offset, offset + size), () => setTimeout(() => next(offset + size), 1));
  };
  next(0);
}

/** A client with a short time limit and two retries. */
function client(timeoutMs = 150) {
  return new HttpClient({ provider: 'example', baseURL, timeoutMs, retry: { retries: 2, baseDelayMs: 1 } });
}

describe('an answer that breaks off after its headers', () => {
  it('times out when its body stops arriving, within the attempt time limit', async () => {
    calls.length = 0;
    const started = Date.now();
    const error = await client()
      .request({ method: 'GET', path: 'stall' })
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect(calls).toEqual(['GET /stall', 'GET /stall', 'GET /stall']);
    expect(Date.now() - started).toBeLessThan(3000);
    // Each stalled answer's connection is closed, not left waiting for the rest of the body.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stalledSockets.map((socket) => socket.closed)).toEqual([true, true, true]);
  });

  it('is retried when the connection drops mid-body on a read, and typed', async () => {
    calls.length = 0;
    const error = await client()
      .request({ method: 'GET', path: 'reset' })
      .catch((caught: unknown) => caught);
    expect(TransientError.isInstance(error), String(error)).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('leaves a write whose answer broke off with an unknown outcome, sent once', async () => {
    for (const path of ['reset', 'stall']) {
      calls.length = 0;
      const error = (await client()
        .request({ method: 'POST', path, json: {} })
        .catch((caught: unknown) => caught)) as TransientError;
      expect([error.code, error.outcomeUnknown, calls.length], path).toEqual([
        path === 'stall' ? 'timeout' : 'transient',
        true,
        1,
      ]);
    }
  });
});

describe('an answer that arrives in pieces', () => {
  it('reads characters split between chunks whole', async () => {
    const response = await client().request({ method: 'GET', path: 'pieces' });
    expect(response.body).toEqual(JSON.parse(PIECES_BODY));
  });
});
