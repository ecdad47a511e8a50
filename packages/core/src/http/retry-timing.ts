/** Retry delays: what the server asked for, else exponential backoff with full jitter and a cap. */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of any computed delay. Default 30 s. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Full jitter (random between 0 and the delay) to spread retrying clients apart. Default true. */
  jitter?: boolean;
}

/** Delay before retry number `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const { baseDelayMs = 500, maxDelayMs = 30_000, factor = 2, jitter = true } = options;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * factor ** Math.max(0, attempt - 1));
  return Math.round(jitter ? ceiling * random() : ceiling);
}

/**
 * The longest wait read from a server: a year. Anything longer (a gateway's 2^64 − 1) is read as a year, so
 * every wait stays a finite number and `now + wait` a valid Date — and fails the request, being far over any
 * `maxRetryAfterMs`, instead of turning into NaN.
 */
export const MAX_SERVER_WAIT_MS = 365 * 24 * 3600 * 1000;

/**
 * Milliseconds to wait according to a `Retry-After` value: delay seconds ("120") or an HTTP date.
 * `undefined` when absent or unreadable; never negative, at most {@link MAX_SERVER_WAIT_MS}.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.ceil(Number(text) * 1000), MAX_SERVER_WAIT_MS);
  // Only the HTTP-date forms (RFC 9110 §5.6.7): V8's Date.parse reads "-1" or "5 minutes" as dates.
  const date = HTTP_DATE.test(text) ? Date.parse(text.endsWith('GMT') ? text : `${text} GMT`) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_SERVER_WAIT_MS);
}

/** IMF-fixdate, the obsolete RFC 850 form, and asctime (which is in GMT without saying so). */
const HTTP_DATE =
  /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/** The longest delay `setTimeout` keeps (2^31 − 1 ms, about 24.8 days); Node fires a longer one at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Promise that resolves after `ms`, or rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
