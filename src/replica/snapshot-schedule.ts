/**
 * When a replica's snapshot is written: at once after the first load, then after rounds that
 * changed the copy, at most once per interval (a 100,000-person copy is about 130 MB to write, and
 * an AD polled every half minute changes a little most times), and once more on shutdown if the
 * copy changed since. A write that fails is logged; the copy keeps serving.
 */
import { RELEASE_AFTER, releaseMemory } from '../memory/release-memory.js';
import type { ReplicaEngine, ReplicaLogger } from './replica-engine.js';

export const SNAPSHOT_INTERVAL_MS = 5 * 60_000;

export class SnapshotSchedule {
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #writing: Promise<void> = Promise.resolve();
  /** Another mount of the same source owns the file for now (a reload is building it): no writes. */
  #held = false;

  constructor(
    private readonly engine: ReplicaEngine,
    private readonly file: string,
    private readonly fingerprint: string,
    private readonly logger?: ReplicaLogger,
    private readonly intervalMs = SNAPSHOT_INTERVAL_MS,
  ) {}

  /** The copy was loaded, restored as written, or changed. */
  changed(): void {
    this.#dirty = true;
    if (this.#timer || this.#held) return;
    const wait = Math.max(0, this.#lastWrite + this.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, wait).unref();
  }

  /** The snapshot as the copy is now (the first load's; tests). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#write();
  }

  /** Writes what changed since the last write (unless held), and stops. */
  async close(): Promise<void> {
    await this.flush();
  }

  /**
   * A reload is building a new mount of this source, which restores from and writes the same file:
   * this one stops writing it (a write under way ends first), so it never overwrites the new copy.
   */
  async hold(): Promise<void> {
    this.#held = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writing;
  }

  /** The new mount failed and this one serves on: its copy is written again (the file may be gone). */
  release(): void {
    this.#held = false;
    this.#dirty = true;
    void this.flush();
  }

  #write(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      if (!this.#dirty || this.#held) return;
      this.#dirty = false;
      this.#lastWrite = Date.now();
      const started = performance.now();
      try {
        const header = await this.engine.save(this.file, this.fingerprint);
        // Writing encodes every id and key once more: as much garbage as a round.
        if (header && header.entries >= RELEASE_AFTER) releaseMemory();
        if (header)
          this.logger?.info(
            { file: this.file, entries: header.entries, ms: Math.round(performance.now() - started) },
            'replica snapshot written',
          );
      } catch (error) {
        this.#dirty = true;
        this.logger?.error(
          { err: error, file: this.file },
          'replica snapshot not written; the copy keeps serving',
        );
      }
    });
    return this.#writing;
  }
}
