/**
 * Answers a provider should never send: a fetch wrapper that rewrites the simulator's answers to chosen
 * requests — a value set or removed at a path of their JSON, or the whole text replaced — so a test can check
 * that every one of them surfaces as a typed error or a warning, never as a crash or a wrong goal.
 */

export type Corruption =
  /** Rewrite the parsed JSON answer; the result is sent. */
  | { json: (body: unknown) => unknown }
  /** Replace the answer text, or rewrite it (e.g. splice in raw JSON too deep to build as an object). */
  | { text: string | ((original: string) => string) };

type Json = Record<string, unknown> | unknown[];

/** The container of the last segment of `path`, and that segment. */
function locate(body: unknown, path: string): [Json, string] {
  const segments = path.split('.');
  const last = segments.pop() as string;
  let node = body;
  for (const segment of segments) node = (node as Record<string, unknown>)[segment];
  if (typeof node !== 'object' || node === null) throw new Error(`no object at ${path} in the answer`);
  return [node as Json, last];
}

/** Sets the value at a dotted path (`data.goals.0.id`); a function gets the current value. */
export function setAt(path: string, value: unknown): Corruption {
  return {
    json: (body) => {
      const [node, key] = locate(body, path);
      const current = (node as Record<string, unknown>)[key];
      // defineProperty: a `__proto__` key becomes a key of the answer, as a server could send it.
      Object.defineProperty(node, key, {
        value: typeof value === 'function' ? value(current) : value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return body;
    },
  };
}

export function removeAt(path: string): Corruption {
  return {
    json: (body) => {
      const [node, key] = locate(body, path);
      delete (node as Record<string, unknown>)[key];
      return body;
    },
  };
}

/** A `wrapFetch` for `testProvider` that corrupts the answers to requests `match` accepts. */
export function corruptAnswers(match: (request: Request) => boolean, corruption: Corruption) {
  return (fetch: typeof globalThis.fetch): typeof globalThis.fetch =>
    async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request.clone());
      if (!match(request)) return response;
      const original = await response.text();
      const text =
        'json' in corruption
          ? JSON.stringify(corruption.json(JSON.parse(original)))
          : typeof corruption.text === 'string'
            ? corruption.text
            : corruption.text(original);
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      return new Response(text, { status: response.status, headers });
    };
}
