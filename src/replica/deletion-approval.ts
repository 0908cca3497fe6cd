/**
 * How an operator lets a held round through without a connection to the server: while the deletion
 * guard holds a round, the server writes what it holds to `<source>.held.json` in the data folder
 * and looks for `<source>.accept-deletes.json` (written by `dirbridge sync --accept-deletes`) every
 * second. An acceptance for at least as many deletions as are held lets the round through; one for
 * fewer (the backend lost more people since the operator looked) is refused and removed, and the
 * notice tells the new count. Only someone who may write to the data folder can accept.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { HeldRound } from './deletion-guard.js';
import type { AcceptNotice, HeldNotice, ReplicaFiles } from './replica-files.js';
import type { ReplicaLogger } from './replica-engine.js';

const POLL_MS = 1000;

export class DeletionApproval {
  #timer: NodeJS.Timeout | undefined;
  #held: HeldRound | undefined;

  constructor(
    private readonly source: string,
    private readonly files: ReplicaFiles,
    /** Lets the held round through and starts a round (the mount's). */
    private readonly accept: () => void,
    private readonly logger?: ReplicaLogger,
  ) {}

  /** A round is held: tell the operator, and wait for their word. */
  async held(round: HeldRound, message: string): Promise<void> {
    this.#held = round;
    const notice: HeldNotice = {
      source: this.source,
      deletions: round.deletions,
      entries: round.entries,
      limit: round.limit,
      since: round.since.toISOString(),
      message,
    };
    await this.#quietly(() =>
      writeFile(this.files.held, `${JSON.stringify(notice, null, 2)}\n`, { mode: 0o600 }),
    );
    this.#timer ??= setInterval(() => void this.#look(), POLL_MS).unref();
  }

  /** A round went through: nothing is held, and an acceptance left over has nothing to accept. */
  async clear(): Promise<void> {
    const wasHeld = this.#held !== undefined;
    this.#stop();
    if (!wasHeld) return;
    await this.#quietly(() => rm(this.files.held, { force: true }));
    await this.#quietly(() => rm(this.files.acceptDeletes, { force: true }));
  }

  close(): void {
    this.#stop();
  }

  async #look(): Promise<void> {
    const held = this.#held;
    if (!held) return;
    let accepted: number;
    try {
      accepted = acceptedDeletions(JSON.parse(await readFile(this.files.acceptDeletes, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.logger?.warn(
        { file: this.files.acceptDeletes },
        'acceptance of held deletions unreadable; ignored and removed',
      );
      await this.#quietly(() => rm(this.files.acceptDeletes, { force: true }));
      return;
    }
    await this.#quietly(() => rm(this.files.acceptDeletes, { force: true }));
    if (accepted < held.deletions) {
      this.logger?.warn(
        { accepted, deletions: held.deletions },
        `acceptance for ${accepted} deletions refused: the held round now deletes ${held.deletions}`,
      );
      return;
    }
    this.logger?.warn(
      { deletions: held.deletions, entries: held.entries },
      'held deletions accepted by the operator',
    );
    // Still held until the round goes through (and clears), or is held again.
    this.#stopLooking();
    this.accept();
  }

  #stop(): void {
    this.#stopLooking();
    this.#held = undefined;
  }

  #stopLooking(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The data folder is the operator's: a file that cannot be written is logged, never fatal. */
  async #quietly(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.logger?.error(
        { err: error, source: this.source },
        'could not update the held-round files in the data folder',
      );
    }
  }
}

function acceptedDeletions(value: unknown): number {
  const notice = value as Partial<AcceptNotice> | null;
  if (typeof notice?.deletions !== 'number' || !Number.isInteger(notice.deletions) || notice.deletions < 0)
    throw new TypeError('not an acceptance');
  return notice.deletions;
}
