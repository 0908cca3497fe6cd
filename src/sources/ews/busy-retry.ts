/**
 * One EWS call, retried when Exchange says it is busy. The library does not retry ErrorServerBusy
 * (as an HTTP 500 fault or inside a 200): it carries the server's BackOffMilliseconds, which is
 * waited out here, at most MAX_RETRIES times and only when the wait is short enough for a round to
 * bear; otherwise the round fails (the copy keeps serving) and the next one tries again.
 * ErrorExceededConnectionCount (the account's concurrent connections over EWSMaxConcurrency, often
 * other applications' doing) is waited out the same way, for a second. Every other failure becomes
 * a SourceError with one plain sentence.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EwsCallFailed, type FailureScene } from './ews-failure.js';
import { readFailure } from './failure-reading.js';

const MAX_RETRIES = 3;
const RETRIED = new Set(['ErrorServerBusy', 'ErrorExceededConnectionCount']);
/** Longest back-off waited inside a round. */
const MAX_WAIT_MS = 60_000;
/** When Exchange is busy without saying for how long. */
const DEFAULT_WAIT_MS = 1_000;

export async function ewsCall<T>(
  source: string,
  scene: FailureScene,
  call: () => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await call();
    } catch (error: unknown) {
      const failure = readFailure(error);
      const wait = failure.backOffMs ?? DEFAULT_WAIT_MS;
      if (!RETRIED.has(failure.code ?? '') || attempt >= MAX_RETRIES || wait > MAX_WAIT_MS)
        throw new EwsCallFailed(source, failure, scene, error);
      await sleep(wait, undefined, { signal });
    }
  }
}
