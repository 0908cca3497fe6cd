/**
 * An operation's cancellation (abandon, the connection closing) without an AbortController up front.
 * Every operation needs one and almost none is ever cancelled; an AbortController and its
 * AbortSignal, an EventTarget, cost ~2% of the server's time in the issue 16 profile, and a search
 * made a second one of its own to add its time limit. Here cancelling is a flag and plain callbacks;
 * an AbortSignal is made only for code that asks for one (a bind handed to a backend, a compare).
 */
export class Cancellation {
  #aborted = false;
  #reason: unknown;
  #listeners: (() => void)[] | undefined;
  #controller: AbortController | undefined;
  /** A controller of the operation's own (a search's) aborted along with this one. */
  #follower: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#follower?.abort(reason);
    this.#follower = undefined;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }

  /** Calls `listener` once when cancelled (at once if it already is); returns its removal. */
  onAbort(listener: () => void): () => void {
    if (this.#aborted) {
      listener();
      return noop;
    }
    (this.#listeners ??= []).push(listener);
    return () => {
      const index = this.#listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.#listeners!.splice(index, 1);
    };
  }

  /**
   * Aborts `controller` (at once if already cancelled) when this is cancelled, until `unfollow`: a
   * search's own controller, which its time limit aborts too, follows the operation without a
   * listener and a closure per search.
   */
  follow(controller: AbortController): void {
    if (this.#aborted) controller.abort(this.#reason);
    else this.#follower = controller;
  }

  unfollow(controller: AbortController): void {
    if (this.#follower === controller) this.#follower = undefined;
  }

  /** An AbortSignal that follows this cancellation, made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
}

function noop(): void {}
