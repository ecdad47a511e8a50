import { TimeoutError } from '../errors.ts';

/** The limits one call sets on its own waiting. */
export interface CallLimits {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Waits for work that several calls share (an OAuth token, an account's currency table) within one call's
 * own limits: it ends with the call's abort reason, or with a `TimeoutError` once `timeoutMs` has passed.
 * The shared work is never cancelled for the others; it goes on, and a later call finds its result.
 */
export function waitForShared<T>(
  shared: Promise<T>,
  call: CallLimits,
  subject: { provider: string; what: string },
): Promise<T> {
  const { signal, timeoutMs } = call;
  if (!signal && timeoutMs === undefined) return shared;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            done();
            const message = `${subject.provider} did not answer in time: ${subject.what}`;
            reject(new TimeoutError(message, { provider: subject.provider, retryable: true }));
          }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
