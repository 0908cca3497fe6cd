/**
 * A guard against mass deletion, as Entra Connect's accidental-deletion threshold is: a round that
 * would remove more than `maxDeletes` entries (a count, or a share of the copy such as `10%`) is
 * held, the old copy keeps serving, and an operator lets it through (`dirbridge sync
 * --accept-deletes <source>`). A wrong base DN or a service account that lost its rights looks to a
 * sync like everyone leaving: it must not empty the PBX's phonebook.
 */

export interface HeldRound {
  /** What the round would have deleted, of how many entries, against what limit, since when. */
  readonly deletions: number;
  readonly entries: number;
  readonly limit: number;
  readonly since: Date;
}

/** A share of a small copy is a handful of people: so many may always go. */
const FLOOR = 10;

export class DeletionGuard {
  readonly #share: number | undefined;
  readonly #count: number | undefined;
  #held: HeldRound | undefined;
  /** Deletions an operator accepted for the next round. */
  #accepted: number | undefined;

  constructor(
    private readonly source: string,
    maxDeletes: number | string,
  ) {
    const parsed = parseMaxDeletes(maxDeletes);
    if (parsed === undefined)
      throw new RangeError(`source ${source}: maxDeletes must be a whole number or a percentage such as 10%`);
    this.#share = parsed.share;
    this.#count = parsed.count;
  }

  get held(): HeldRound | undefined {
    return this.#held;
  }

  /** The most deletions a round may apply to a copy of `entries`. */
  limitFor(entries: number): number {
    if (this.#count !== undefined) return this.#count;
    return Math.max(FLOOR, Math.floor(entries * this.#share!));
  }

  /** Undefined when the round may go ahead; else the round as held (and kept as held). */
  check(deletions: number, entries: number): HeldRound | undefined {
    const limit = this.limitFor(entries);
    if (deletions <= limit || (this.#accepted !== undefined && deletions <= this.#accepted)) {
      if (deletions > limit) this.#accepted = undefined;
      this.#held = undefined;
      return undefined;
    }
    const since = this.#held?.since ?? new Date();
    this.#held = { deletions, entries, limit, since };
    return this.#held;
  }

  /**
   * Lets the held round through: the next round may delete as many (and the limit again, for what
   * changed meanwhile). Returns what was accepted, or undefined when nothing was held.
   */
  accept(): HeldRound | undefined {
    const held = this.#held;
    if (!held) return undefined;
    this.#accepted = held.deletions + held.limit;
    return held;
  }

  describe(held: HeldRound): string {
    return (
      `sync held: it would delete ${held.deletions} of ${held.entries} entries (more than maxDeletes allows, ${held.limit}); ` +
      `the copy before it is served. If that is right, run: dirbridge sync --accept-deletes ${this.source}`
    );
  }
}

/** `250` or `10%`. */
export function parseMaxDeletes(value: number | string): { share?: number; count?: number } | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? { count: value } : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(value.trim());
  if (!match) return /^\d+$/.test(value.trim()) ? { count: Number(value.trim()) } : undefined;
  const percent = Number(match[1]);
  return percent <= 100 ? { share: percent / 100 } : undefined;
}
