/**
 * Which of a source's URLs new connections go to. They are tried in order from the current one; a
 * connection error moves on to the next, and `healthIntervalMs` after a failover the first is tried
 * again. Connections to a fallback URL are retired once that time has come, so the pool returns to
 * the first server instead of staying on the fallback for as long as it keeps connections open.
 */
export interface FailoverLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

export class UrlFailover {
  /** Index of the URL new connections go to first, and since when it is not the first. */
  #current = 0;
  #failedOverAt = 0;

  constructor(
    private readonly urls: readonly string[],
    private readonly healthIntervalMs: number,
    private readonly logger?: FailoverLogger,
    /** What the connections are for, logged with the failover messages. */
    private readonly purpose = 'search',
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
    const start = this.#current > 0 && this.#due() ? 0 : this.#current;
    let lastError: unknown;
    for (let attempt = 0; attempt < this.urls.length; attempt++) {
      const urlIndex = (start + attempt) % this.urls.length;
      try {
        const connection = await open(this.urls[urlIndex]!);
        this.#connected(urlIndex, start);
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
    return urlIndex !== 0 && (urlIndex !== this.#current || this.#due());
  }

  #connected(urlIndex: number, start: number): void {
    const url = this.urls[urlIndex]!;
    if (urlIndex === 0) {
      if (this.#current !== 0) this.logger?.info?.({ url, connections: this.purpose }, `back on ${url}`);
      this.#current = 0;
      return;
    }
    if (urlIndex === start) return;
    if (urlIndex !== this.#current) {
      this.logger?.warn(
        { url, failed: this.urls[start], connections: this.purpose },
        `failed over to ${url}`,
      );
      this.#current = urlIndex;
    }
    // Still (or again) not on the first: it is tried again one interval from now.
    this.#failedOverAt = this.now();
  }

  /** Whether the first URL is due to be tried again (healthInterval since the failover). */
  #due(): boolean {
    return this.now() - this.#failedOverAt >= this.healthIntervalMs;
  }
}
