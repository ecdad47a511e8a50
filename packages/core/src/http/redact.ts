/**
 * Credential redaction for everything that leaves the HTTP layer: URLs, headers, error messages, bodies and
 * hook payloads. Two nets: names that look secret (`api_token`, `Authorization`) and the exact secret values
 * the client has sent, wherever they turn up.
 */

export const REDACTED = '[REDACTED]';

const SECRET_NAME = /token|secret|passw|api[-_]?key|apikey|auth|signature|session|cookie|credential/i;
const INLINE_SECRETS = [
  // An auth scheme and its credential. A short lowercase word after it is prose, not a credential: "the daily
  // token budget is spent" must stay readable (the client's own credentials are caught by value anyway).
  /\b([Bb]earer|BEARER|[Bb]asic|BASIC|[Tt]oken|TOKEN)\s+(?![a-z]{1,19}(?![A-Za-z0-9._~+/=-]))[A-Za-z0-9._~+/=-]{4,}/g,
  /\b([A-Za-z_-]*(?:token|secret|password|api[-_]?key)[A-Za-z_-]*)(["']?\s*[=:]\s*["']?)([^\s"'&,;}]{2,})/gi,
  // The user info of a URL in prose (a fetch error repeats the URL it refused): `https://user:pass@host`.
  /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi,
];

/** True when a header or parameter name usually carries a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A secret as written, and as a server that echoes it back writes it: percent-encoded (either case of hex),
 * in a JSON string, and in one with slashes escaped as PHP and Laravel write them (`\/`).
 */
function writtenForms(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  const lowerHex = encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  return [...new Set([secret, encoded, lowerHex, json, json.replaceAll('/', '\\/')])];
}

function redactKnownValues(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of writtenForms(secret)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** Text with known secret values and inline credentials (`Bearer x`, `api_token=x`) replaced. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let result = redactKnownValues(text, secrets);
  result = result.replace(INLINE_SECRETS[0] as RegExp, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  result = result.replace(
    INLINE_SECRETS[1] as RegExp,
    (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`,
  );
  result = result.replace(INLINE_SECRETS[2] as RegExp, (_match, scheme: string) => `${scheme}${REDACTED}@`);
  return result;
}

/** URL without user info and with the values of credential-like query parameters replaced. */
export function redactUrl(url: string | URL, secrets: Iterable<string> = []): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactText(String(url), secrets);
  }
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
  }
  for (const name of new Set(parsed.searchParams.keys())) {
    if (isSecretName(name)) parsed.searchParams.set(name, REDACTED);
  }
  return redactKnownValues(parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED), secrets);
}

/** Header map with credential headers replaced, safe to log. */
export function redactHeaders(
  headers: Headers | Record<string, string>,
  secrets: Iterable<string> = [],
): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const known = [...secrets];
  return Object.fromEntries(
    entries.map(([name, value]) => [name, isSecretName(name) ? REDACTED : redactText(value, known)]),
  );
}

/**
 * The secret values one client has used, so they can be scrubbed from any text. Bounded: a token refreshed
 * every few minutes for days must not grow memory without limit.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 64) {
    this.#capacity = capacity;
  }

  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (!value || value.length < 4 || this.#values.has(value)) continue;
      this.#values.add(value);
      if (this.#values.size > this.#capacity) {
        const oldest = this.#values.values().next().value;
        if (oldest !== undefined) this.#values.delete(oldest);
      }
    }
  }

  /** Adds each credential found in request headers (including the parts of `Basic` and `Bearer` values). */
  addFromHeaders(headers: Record<string, string>): void {
    for (const [name, value] of Object.entries(headers)) {
      if (!isSecretName(name)) continue;
      const [, credential] = /^(?:Bearer|Basic|Token)\s+(.+)$/i.exec(value) ?? [];
      this.add(value, credential);
      if (credential && /^basic/i.test(value)) this.add(...decodeBasic(credential));
    }
  }

  values(): Iterable<string> {
    return this.#values;
  }

  /** The length of the longest text a secret is redacted as: itself, or an encoded echo of it. */
  longestWrittenForm(): number {
    let longest = 0;
    for (const value of this.#values)
      for (const form of writtenForms(value)) longest = Math.max(longest, form.length);
    return longest;
  }

  redact(text: string): string {
    return redactText(text, this.#values);
  }
}

function decodeBasic(credential: string): string[] {
  try {
    const decoded = atob(credential);
    const colon = decoded.indexOf(':');
    return colon === -1 ? [decoded] : [decoded.slice(colon + 1), decoded];
  } catch {
    return [];
  }
}
