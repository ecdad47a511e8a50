/**
 * Hooks observe: they are told what happens and cannot change it. An exception thrown by one is dropped here,
 * so an observer's bug (a metrics sink that is down) never fails a request, never leaks a rate-limit permit
 * and never escapes from a timer as an uncaught exception.
 */
export function notify<E>(observer: ((event: E) => void) | undefined, event: E): void {
  if (!observer) return;
  try {
    observer(event);
  } catch {
    // Dropped: see above.
  }
}
