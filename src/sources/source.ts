/**
 * The Source seam (DESIGN.md): every backend implements this. A source speaks its own field names;
 * the field map turns its records into presented entries. Sources know nothing of the wire.
 */
import type { Filter } from '../filter/ast.js';
import type { ChangeFeed } from './change-feed.js';

export type SourceKind = 'users' | 'contacts' | 'both';
export type SourceMode = 'live' | 'replica';

/** One record in the source's own field names. */
export interface SourceRecord {
  /** The source's native, stable id (AD objectGUID, Graph id, a CSV row key...). */
  readonly id: string;
  /** The source's own UUID when it has one; otherwise the directory derives a UUIDv5 from `id`. */
  readonly uuid?: string;
  /** Whether this record is a user or a contact, when the source can tell (else its config's kind). */
  readonly kind?: 'user' | 'contact';
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

/**
 * What a search asks of a source. There is no size limit: the directory tests every record against
 * the full filter, so only it knows when enough have matched, and it stops a source by no longer
 * asking for records (the iterator's return), which ends a backend search as soon as it happens.
 */
export interface SourceQuery {
  /** A filter in the source's native field names, a superset of what is wanted; absent means all. */
  readonly filter?: Filter;
  /**
   * Native fields the caller needs (those its field map reads); absent means all. A source may
   * return more (its id, what tells users from contacts): fields nobody maps are dropped anyway.
   */
  readonly fields?: readonly string[];
  /**
   * Native fields whose conditions the source may send its backend as written rather than widened
   * for accents: they fill only presented identifiers (mail, logins), which dirbridge compares as
   * backends do, without folding accents. The same array for every query of a mount.
   */
  readonly exactFields?: readonly string[];
}

export interface SourceCapabilities {
  /** Modes the source can run in; the first is its default. */
  readonly modes: readonly SourceMode[];
  /** Whether `search` evaluates a filter server-side (otherwise it returns everything). */
  readonly filterPushdown: boolean;
  /** Whether the source can check passwords (`resolveLogin` and `authenticate`). */
  readonly signOn: boolean;
}

export interface FieldInfo {
  readonly name: string;
  readonly description?: string;
  /** How many sampled records hold the field, when known. */
  readonly count?: number;
}

export interface LoginRef {
  readonly source: string;
  /** What the backend is asked to check: its DN, UPN or `DOMAIN\\user` for LDAP-based sources. */
  readonly account: string;
  /** The record the login belongs to, when known, so the session can present its DN. */
  readonly recordId?: string;
  /** Set when the name is this source's but several people share it: no password is tried. */
  readonly ambiguous?: number;
  /**
   * Set when the name is NOT this source's, but the source had to ask its backend to find that out
   * (Domino searches for a name): `account` then names nobody. Sign-on goes on asking later
   * sources; if none owns the name, it checks the password against this login (`authenticate`
   * binds as nobody, and the backend refuses), so a name nobody has costs what a wrong password
   * costs. Never a success.
   */
  readonly decoy?: true;
}

/** Why a backend refused a sign-on, in the LDAP result names its verdict is passed through as. */
export type AuthFailure =
  | 'invalidCredentials'
  | 'strongerAuthRequired'
  | 'confidentialityRequired'
  | 'inappropriateAuthentication'
  | 'insufficientAccessRights'
  | 'unwillingToPerform'
  | 'busy'
  | 'unavailable'
  | 'operationsError'
  | 'other';

export type AuthVerdict =
  | {
      readonly ok: true;
      /** The signed-on person's record (at least its id), when the source can tell: Who am I? presents its DN. */
      readonly record?: SourceRecord;
    }
  | {
      readonly ok: false;
      readonly code: AuthFailure;
      /** The backend's own diagnostic text, unchanged (AD's `... data 52e ...`). */
      readonly diagnostic: string;
    };

export interface CheckStep {
  readonly step: string;
  readonly ok: boolean;
  /** Passed, but with something an operator should know (shown as WARN). */
  readonly warning?: boolean;
  readonly detail: string;
}

export interface CheckReport {
  readonly source: string;
  readonly ok: boolean;
  readonly steps: readonly CheckStep[];
  readonly count?: number;
  readonly samples: readonly SourceRecord[];
}

/** Reports from a source about its own state, for logs and monitoring. */
export interface SourceEvents {
  /** The source's data changed (a file reloaded, a delta arrived): replicas reload. */
  onChange?(listener: () => void): void;
  /**
   * The source's change feed, for a replica to follow (change-feed.ts), asking for `fields` only
   * (those the field map reads; absent: all); absent: the replica lists everything each round and
   * applies the difference.
   */
  changeFeed?(fields?: readonly string[]): ChangeFeed;
}

export interface Source extends SourceEvents {
  readonly name: string;
  readonly kind: SourceKind;
  readonly capabilities: SourceCapabilities;
  fields(): Promise<FieldInfo[]>;
  search(query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord>;
  get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined>;
  /**
   * Whether a bind name is this source's, and what to ask the backend: undefined (or a decoy login,
   * when the backend was asked) when it is not. Throws SourceError when the source cannot tell
   * (its backend is down and it must ask).
   */
  resolveLogin?(name: string, signal: AbortSignal): Promise<LoginRef | undefined>;
  /**
   * The key the bind throttle counts a name under, for a name this source claims by its form alone,
   * without asking its backend (AD's `user@suffix`, `NETBIOS\\user`, DNs below its bases): one
   * spelling for every way of writing the same account, the same whether or not anyone has it.
   * Undefined for a name it does not claim, or finds only by asking its backend (Domino's): a key
   * that merged what a lookup found would let the throttle's delays tell which names exist. Throws
   * SourceError as resolveLogin does.
   */
  loginKey?(name: string, signal: AbortSignal): Promise<string | undefined>;
  /** The login of one of this source's records (a bind made with its presented DN). */
  loginOfRecord?(recordId: string, signal: AbortSignal): Promise<LoginRef | undefined>;
  authenticate?(login: LoginRef, password: string, signal: AbortSignal): Promise<AuthVerdict>;
  check(): Promise<CheckReport>;
  close(): Promise<void>;
}

/** A source's error, naming the source so the operator knows where to look. */
export class SourceError extends Error {
  /** The message without the source's name, for a log line that names the source already. */
  readonly detail: string;

  constructor(
    readonly source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`source ${source}: ${message}`, options);
    this.name = 'SourceError';
    this.detail = message;
  }
}

/**
 * A source that will not take another request now: its backend requests are all taken and its
 * queue is full or the wait ran out. The request never reached the backend; answered busy (51), so
 * the client tries again rather than taking the backend for down.
 */
export class SourceBusy extends SourceError {
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(source, message, options);
    this.name = 'SourceBusy';
  }
}
