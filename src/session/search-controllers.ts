/**
 * The AbortControllers that unpaged searches hand to the directory, used again. Every search needs
 * an AbortSignal (the directory's walk and a live source's request stop on it), and making one is
 * Node's slowest small object: an EventTarget whose prototype is swapped afterwards, ~5 µs, about a
 * twentieth of a caller-ID lookup's CPU (issue 16). Almost no search is ever stopped, and a signal
 * that was never aborted and that nobody listens to any more is, to the next search, the same as a
 * new one; so a search takes a spare controller and gives it back when it is done with it.
 *
 * Only a controller that is clean is kept: not aborted, and without an 'abort' listener (a live
 * source that left one behind still has work that would hear a later search's abort). What a
 * finished search left holding the signal without listening can only read `aborted`; a later
 * search's abort would at most stop such leftover work early, which is all a leftover is for.
 */
import { getEventListeners } from 'node:events';

/** Spares kept: as many as searches run at once in a busy server, a few dozen. */
const MAX_SPARES = 64;

export class SearchControllers {
  readonly #spares: AbortController[] = [];

  /** A controller whose signal has never been aborted and has no listener. */
  take(): AbortController {
    return this.#spares.pop() ?? new AbortController();
  }

  /** Gives back a controller its search no longer uses; kept only when clean. */
  give(controller: AbortController): void {
    const { signal } = controller;
    if (signal.aborted || this.#spares.length >= MAX_SPARES) return;
    if (getEventListeners(signal, 'abort').length > 0) return;
    this.#spares.push(controller);
  }

  /** Controllers kept (for tests). */
  get spares(): number {
    return this.#spares.length;
  }
}

/** The process's spare controllers for unpaged searches. */
export const SEARCH_CONTROLLERS = new SearchControllers();
