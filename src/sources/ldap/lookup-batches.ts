/**
 * Identifier lookups asked of the backend together. Phones that look up callers at once each ask
 * `(mail=…)`; asked one by one, every lookup costs the backend a search of its own (an operation,
 * its access checks, its result) and the front a request written and a result read. A lookup goes
 * at once when no other is under way (a lone phone waits for nothing); those that come while one
 * is under way gather, and go as one search when it ends (or 5 ms on, if it is slow to):
 * `(&<scope>(|(mail=a)(mail=b)…))`, each lookup getting the entries that hold its value. At 32 connections over 10,000 people, slapd then
 * spent 36-45 µs a lookup instead of 90-130, and the front 110-120 instead of ~170.
 *
 * A value the sharing below cannot tell apart safely goes alone. A batch the server refuses or
 * cuts short (its size limit) is asked again lookup by lookup, so a batch never answers what the
 * lookups alone would not have; a connection that fails fails them all, as it would have.
 *
 * Sharing out: an entry goes to each lookup whose value it holds, compared loosely (case, spaces
 * and hyphens ignored, compatibility forms folded), which keeps no two ASCII values apart that an
 * LDAP equality rule for text matches alike. An entry that holds no lookup's value, or a value that
 * is not ASCII (a rule may fold "ß" to "ss"), goes to every lookup of the batch. Each entry a lookup
 * gets is tested against its search's own filter by the directory, so one handed too many answers
 * the same; what the sharing must never do is withhold one.
 */
import type { Entry, Filter as LdaptsFilter } from 'ldapts';
import { untilAborted } from './until-aborted.js';

/** One identifier lookup: an equality the backend is asked under the source's scope. */
export interface Lookup {
  /** The attribute compared, as the filter names it. */
  readonly attribute: string;
  readonly value: string;
  /** The equality as ldapts sends it. */
  readonly equality: LdaptsFilter;
  /** The lookup's whole filter when asked alone (the source's scope and the equality). */
  readonly filter: LdaptsFilter;
}

/** Sends one search: its entries, or undefined when the server's size limit cut them short. */
export type LookupSend = (filter: LdaptsFilter, signal: AbortSignal) => Promise<readonly Entry[] | undefined>;

export interface LookupBatchesOptions {
  /** The filter of a batch: the source's scope and any of the equalities. */
  readonly combine: (equalities: readonly LdaptsFilter[]) => LdaptsFilter;
  /** Whether a batch that failed so is asked again lookup by lookup (the server refused it, the connection held). */
  readonly askAlone: (error: unknown) => boolean;
  /** Lookups in one batch at most. */
  readonly most?: number;
  /** Milliseconds a batch waits for its group's search under way at most (default `HOLD_MS`). */
  readonly holdMs?: number;
}

/**
 * A group's searches under way before its lookups wait for one to end: while one is under way, the
 * lookups that come meanwhile gather and go as the next. At 8 connections looking up at once (the bench, 10,000
 * people), gathering only those of one turn made batches of two or three; with one search under
 * way at a time the front and slapd spent 219 µs a lookup, with two 254, at the same throughput.
 */
const SENDING = 1;

/**
 * Milliseconds a batch waits for its group's search under way at most: a search the backend is
 * slow to answer must not hold up the lookups behind it, only gather them a while.
 */
const HOLD_MS = 5;

/** A batch's lookups at most: an OR of a few dozen indexed equalities costs a backend one search. */
const MOST = 64;

/** A batch is asked with no lookup's signal: one phone hanging up does not end the others' search. */
const NEVER = new AbortController().signal;

interface Member {
  readonly lookup: Lookup;
  readonly key: string;
  readonly signal: AbortSignal;
  readonly resolve: (entries: Promise<readonly Entry[] | undefined> | readonly Entry[] | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** Lookups that share a search (base, attributes, the attribute compared): what is under way, what waits. */
interface Group {
  readonly name: string;
  /** Searches sent and not yet answered. */
  underWay: number;
  /** The batch taking lookups, if any. */
  open: Batch | undefined;
}

interface Batch {
  readonly group: Group;
  readonly send: LookupSend;
  readonly members: Member[];
  /** Whether it goes at the end of this turn of the event loop (until then it takes more lookups). */
  due: boolean;
  /** When it goes even if the search under way has not ended (`holdMs`). */
  hold?: NodeJS.Timeout;
}

export class LookupBatches {
  /** Groups with a search under way or a batch open; no other is kept. */
  readonly #groups = new Map<string, Group>();
  readonly #most: number;
  readonly #holdMs: number;

  constructor(private readonly options: LookupBatchesOptions) {
    this.#most = options.most ?? MOST;
    this.#holdMs = options.holdMs ?? HOLD_MS;
  }

  /**
   * The entries of a lookup (undefined: the server's size limit cut them short). Lookups of one
   * group share a search, so `group` names everything but the value (base, attributes, the
   * attribute compared); `send` asks the backend, the same way for every lookup of a group. The
   * lookup's signal ends its wait (and, asked alone, its search).
   */
  find(
    name: string,
    lookup: Lookup,
    send: LookupSend,
    signal: AbortSignal,
  ): Promise<readonly Entry[] | undefined> {
    const key = lookupKey(lookup.value);
    let group = this.#groups.get(name);
    if (group === undefined) {
      group = { name, underWay: 0, open: undefined };
      this.#groups.set(name, group);
    }
    if (key === undefined || (group.open === undefined && group.underWay < SENDING)) {
      return this.#sent(group, send, lookup.filter, signal);
    }
    const batch = (group.open ??= { group, send, members: [], due: false });
    const { promise, resolve, reject } = withResolvers<readonly Entry[] | undefined>();
    batch.members.push({ lookup, key, signal, resolve, reject });
    if (batch.members.length >= this.#most) {
      // Full, it goes whatever is under way: a lookup never waits on more than one search's answer.
      group.open = undefined;
      this.#due(batch);
    } else if (group.underWay < SENDING) this.#due(batch);
    else batch.hold ??= setTimeout(this.#due, this.#holdMs, batch).unref();
    // A batched lookup's abandon ends its own wait at once; the batch goes on for the others.
    return untilAborted(promise, signal);
  }

  async #sent(
    group: Group,
    send: LookupSend,
    filter: LdaptsFilter,
    signal: AbortSignal,
  ): Promise<readonly Entry[] | undefined> {
    group.underWay++;
    try {
      return await send(filter, signal);
    } finally {
      group.underWay--;
      // With its search ended, the group's waiting lookups go at the end of the turn. A group is
      // forgotten once idle, unless another of its name has replaced it (lookups asked again alone
      // after a failed batch run on the group they came in).
      if (group.open !== undefined) this.#due(group.open);
      else if (group.underWay === 0 && this.#groups.get(group.name) === group)
        this.#groups.delete(group.name);
    }
  }

  readonly #due = (batch: Batch): void => {
    if (batch.due) return;
    batch.due = true;
    clearTimeout(batch.hold);
    setImmediate(this.#flush, batch);
  };

  readonly #flush = (batch: Batch): void => {
    const { group, members, send } = batch;
    if (group.open === batch) group.open = undefined;
    if (members.length === 1) {
      const [member] = members as [Member];
      member.resolve(this.#sent(group, send, member.lookup.filter, member.signal));
      return;
    }
    const equalities = new Map<string, LdaptsFilter>();
    for (const { lookup } of members) equalities.set(lookup.value, lookup.equality);
    const filter =
      equalities.size === 1 ? members[0]!.lookup.filter : this.options.combine([...equalities.values()]);
    this.#sent(group, send, filter, NEVER).then(
      (entries) => (entries === undefined ? this.#alone(batch) : share(members, entries)),
      (error: unknown) => {
        if (this.options.askAlone(error)) this.#alone(batch);
        else for (const member of members) member.reject(error);
      },
    );
  };

  /** Each lookup of a batch asked again by itself. */
  #alone({ group, members, send }: Batch): void {
    for (const member of members)
      member.resolve(this.#sent(group, send, member.lookup.filter, member.signal));
  }
}

/** Hands each member the entries holding its value, and the others to all, in the server's order. */
function share(members: readonly Member[], entries: readonly Entry[]): void {
  const attribute = members[0]!.lookup.attribute;
  const wanted = new Set(members.map((member) => member.key));
  const holds = entries.map((entry) => wantedKeys(valuesOf(entry, attribute), wanted));
  for (const member of members) {
    member.resolve(entries.filter((_, i) => holds[i]?.has(member.key) ?? true));
  }
}

/**
 * The wanted keys among an entry's values, or undefined when the entry may match any lookup: it
 * holds none of them (the server matched it by a rule looser than the key), or a value that is not
 * ASCII even folded, which a rule may match to an ASCII one the key keeps apart ("ß" and "ss").
 */
function wantedKeys(values: readonly string[], wanted: ReadonlySet<string>): ReadonlySet<string> | undefined {
  const keys = new Set<string>();
  for (const value of values) {
    const key = looseKey(value);
    if (wanted.has(key)) keys.add(key);
    else if (!ASCII.test(key)) return undefined;
  }
  return keys.size === 0 ? undefined : keys;
}

/** An entry's text values of an attribute, whatever case the server wrote its name in. */
function valuesOf(entry: Entry, attribute: string): readonly string[] {
  let values = entry[attribute];
  if (values === undefined) {
    const lower = attribute.toLowerCase();
    const name = Object.keys(entry).find((key) => key.toLowerCase() === lower);
    values = name === undefined ? undefined : entry[name];
  }
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).filter(
    (value): value is string => typeof value === 'string',
  );
}

/** Case, spaces and hyphens ignored, compatibility forms folded (NFKC): looser than any text equality rule. */
function looseKey(value: string): string {
  const text = ASCII.test(value) ? value : value.normalize('NFKC');
  return text.toLowerCase().replace(IGNORED, '');
}

/** Printable ASCII, which NFKC leaves as it is. */
const ASCII = /^[\x20-\x7e]*$/;

const IGNORED = /[\s-]+/g;
/** Printable ASCII with a letter, and nothing a DN escapes or separates by. */
const SHAREABLE = /^(?=[^a-z]*[a-z])[\x20-\x7e]+$/i;
const DN_LIKE = /[=\\]/;

/**
 * A lookup value's key, or undefined when it must go alone: only printable ASCII values with a
 * letter, whose every equal under an LDAP text rule has the same loose key. Digits alone may be
 * integers ("007" matches "7"), non-ASCII letters fold in ways toLowerCase does not ("ß", "SS"),
 * and DNs match by their parsed form.
 */
function lookupKey(value: string): string | undefined {
  return SHAREABLE.test(value) && !DN_LIKE.test(value) ? looseKey(value) : undefined;
}

function withResolvers<T>(): {
  promise: Promise<T>;
  resolve: (value: T | Promise<T>) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T | Promise<T>) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}
