/**
 * Watches one file and reports each settled change once.
 *
 * It watches the file's folder, not the file: editors and export tools often save by writing a
 * temporary file and renaming it over the original, and a watch on the old inode never fires again.
 * Any event in the folder only triggers a cheap stat, so unrelated files (or a Kubernetes ConfigMap's
 * symlink swap, whose events name `..data`) cost nothing but that. fs.watch is quick but not reliable
 * everywhere (network shares, some container mounts), so a periodic stat catches what it misses.
 *
 * A change is reported only once the file's stat (inode, size, times) has held still for one settle
 * interval, so a file that is still being written is not read half-way. A file that disappears is a
 * change too (the reader reports it and keeps its last good copy); its return is another.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FileWatcherOptions {
  /** Quiet time after the last event before the file is looked at; also how long a new state must hold. */
  readonly settleMs?: number;
  /** How often the file is looked at when no event comes. */
  readonly pollMs?: number;
}

export const DEFAULT_SETTLE_MS = 250;
export const DEFAULT_POLL_MS = 5_000;

/** What the file looks like from outside; any rewrite, replacement or removal changes it. */
type Signature = string;

export class FileWatcher {
  readonly #settleMs: number;
  readonly #pollMs: number;
  /** The state last reported (or found at start): no change until the file differs from it. */
  #baseline: Signature | undefined;
  /** A new state seen once, reported if it is still there one settle interval later. */
  #candidate: Signature | undefined;
  #folderWatch: FSWatcher | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #checking = false;
  #closed = false;

  constructor(
    readonly path: string,
    private readonly onChange: () => void,
    options: FileWatcherOptions = {},
  ) {
    this.#settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** Takes the file's current state as the baseline, then watches. Never throws. */
  async start(): Promise<void> {
    this.#baseline = await signature(this.path);
    if (this.#closed) return;
    this.#watchFolder();
    // Timers are unref'd: watching must never keep a process alive on its own.
    this.#pollTimer = setInterval(() => this.#poll(), this.#pollMs).unref();
  }

  close(): void {
    this.#closed = true;
    this.#folderWatch?.close();
    this.#folderWatch = undefined;
    clearTimeout(this.#settleTimer);
    clearInterval(this.#pollTimer);
  }

  #watchFolder(): void {
    let folderWatch: FSWatcher;
    try {
      folderWatch = watch(dirname(this.path), { persistent: false }, () => this.#schedule());
    } catch {
      return; // the folder is missing or cannot be watched: polling stands in, and retries the watch
    }
    folderWatch.on('error', () => {
      folderWatch.close();
      if (this.#folderWatch === folderWatch) this.#folderWatch = undefined;
    });
    this.#folderWatch = folderWatch;
  }

  #poll(): void {
    if (!this.#folderWatch) this.#watchFolder();
    void this.#check();
  }

  /** Looks at the file once events have stopped for a settle interval. */
  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => void this.#check(), this.#settleMs).unref();
  }

  async #check(): Promise<void> {
    if (this.#closed) return;
    if (this.#checking) {
      this.#schedule();
      return;
    }
    this.#checking = true;
    try {
      this.#compare(await signature(this.path));
    } finally {
      this.#checking = false;
    }
  }

  #compare(now: Signature): void {
    if (this.#closed) return;
    if (now === this.#baseline) {
      this.#candidate = undefined;
    } else if (now !== this.#candidate) {
      this.#candidate = now; // still moving, or just seen: look again once it has held still
      this.#schedule();
    } else {
      this.#baseline = now;
      this.#candidate = undefined;
      this.onChange();
    }
  }
}

/** The file's identity and version as stat shows them; errors are states too (`missing`, ...). */
async function signature(path: string): Promise<Signature> {
  try {
    const s = await stat(path, { bigint: true });
    return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(':');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `unreadable:${code ?? 'unknown'}`;
  }
}
