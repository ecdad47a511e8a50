/**
 * Hooks observe: they are told what happens and cannot change it. An exception thrown by one is dropped here,
 * so an observer's bug (a metrics sink that is down) never fails a request, never leaks a rate-limit permit
 * and never escapes from a timer as an uncaught exception.
 */
export function notify<E>(observer: ((event: E) => void) | undefined, event: E): void {
  if (!observer) return;
  try {
    // An async hook's rejection is dropped too: left alone, it would end the process as unhandled.
    const result: unknown = observer(event);
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // Dropped: see above.
  }
}
