/**
 * What a replica's change feed may ask of an LDAP-family source: searches on one backend
 * connection for a whole round (AD's USNs count per domain controller, so a round that read the
 * DC's USN on one connection must not search another DC on the next), and how an entry becomes a
 * record or a record id.
 */
import type { Control, Entry } from 'ldapts';
import type { Filter } from '../../filter/ast.js';
import type { SourceRecord } from '../source.js';

export interface FeedSearch {
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: Filter;
  readonly attributes: readonly string[];
  /** Attributes whose values are bytes, not text (AD's invocationId); the id attribute always is. */
  readonly binary?: readonly string[];
  readonly controls?: readonly Control[];
}

/** One backend connection, held for one round. */
export interface FeedSession {
  /**
   * Entries of a paged search; a base that does not exist holds none. Errors are the source's
   * (SourceError, naming the source and the base).
   */
  entries(base: string, search: FeedSearch, signal: AbortSignal): AsyncIterable<Entry>;
  /** Whether the server refuses the search as not allowed (so a feed can do without what it asked). */
  refused(error: unknown): boolean;
  /** Gives the connection back; `healthy` false closes it (a round cut short leaves a search open). */
  release(healthy: boolean): void;
}

export interface FeedBackend {
  readonly name: string;
  readonly bases: readonly string[];
  /** `(&<filter>(|<usersFilter><contactsFilter>))`: what the source presents. */
  readonly scope: Filter;
  readonly idAttribute: string;
  open(signal: AbortSignal): Promise<FeedSession>;
  /** The attributes a search for records asks for, given the fields the map reads (all if absent). */
  recordAttributes(fields: readonly string[] | undefined): string[];
  /** The record of an entry in scope, or undefined when it has no id. */
  record(entry: Entry): SourceRecord | undefined;
  /** The id a record of this entry has (or had, for an entry that left the scope). */
  recordId(entry: Entry): string | undefined;
}
