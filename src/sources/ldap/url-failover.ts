/**
 * Which of a source's URLs new connections go to. They are tried in order from the current one; a
 * connection error moves on to the next, and `healthIntervalMs` after a failover the first is tried
 * again. Connections to a fallback URL are retired once that time has come, so the pool returns to
 * the first server instead of staying on the fallback for as long as it keeps connections open.
 */
export interface FailoverLogger {
  warn(obj: object, msg: string): void;
}

export class UrlFailover {
  #current = 0;
  #failedOverAt = 0;

  constructor(
    private readonly urls: readonly string[],
    private readonly healthIntervalMs: number,
    private readonly logger?: FailoverLogger,
    /** What the connections are for, in the failover warning. */
    private readonly purpose = 'connections',
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A connection from the first URL `open` succeeds with. `canFailOver` says whether an error is the
   * server's unreachability (try the next) or an answer the next server would give as well (stop).
   */
  async connect<T>(
    open: (url: string) => Promise<T>,
    canFailOver: (error: unknown) => boolean,
  ): Promise<{ readonly connection: T; readonly urlIndex: number }> {
    if (this.#current > 0 && this.#due()) this.#current = 0;
    let lastError: unknown;
    for (let attempt = 0; attempt < this.urls.length; attempt++) {
      const urlIndex = (this.#current + attempt) % this.urls.length;
      const url = this.urls[urlIndex]!;
      try {
        const connection = await open(url);
        this.#connected(urlIndex);
        return { connection, urlIndex };
      } catch (error) {
        if (!canFailOver(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** Whether a connection to this URL should be closed rather than reused. */
  retired(urlIndex: number): boolean {
    return urlIndex !== 0 && this.#due();
  }

  #connected(urlIndex: number): void {
    if (urlIndex === this.#current) return;
    const url = this.urls[urlIndex]!;
    this.logger?.warn({ url, failed: this.urls[this.#current] }, `${this.purpose} failed over to ${url}`);
    this.#current = urlIndex;
    this.#failedOverAt = this.now();
  }

  #due(): boolean {
    return this.now() - this.#failedOverAt >= this.healthIntervalMs;
  }
}
