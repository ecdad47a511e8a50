/** Small helpers simulators share for reading requests and writing responses. */

/** A JSON response with the given status and extra headers. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

/** The request body as JSON; an empty body reads as `undefined`. */
export async function readJsonBody(request: Request): Promise<JsonBody> {
  const text = await request.text();
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'invalid JSON' };
  }
}

/** A random id of `length` lowercase hex digits from the given random source. */
export function hexId(random: () => number, length = 32): string {
  let id = '';
  for (let i = 0; i < length; i++) id += Math.floor(random() * 16).toString(16);
  return id;
}

/** A random RFC 4122 version-4 UUID from the given random source. */
export function uuidV4(random: () => number): string {
  const hex = hexId(random, 32).split('');
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
