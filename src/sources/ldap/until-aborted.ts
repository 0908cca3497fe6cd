/**
 * A request's answer (a page, a lookup's entries), or the search's abort: the wait ends at once,
 * without closing a connection other searches may share (the request is left to end with it).
 */
export function untilAborted<T>(next: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    next.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    next.then(
      (page) => {
        signal.removeEventListener('abort', abort);
        resolve(page);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
