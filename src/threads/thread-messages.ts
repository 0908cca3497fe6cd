/**
 * What the main thread and its listener threads say to each other. Plain data (and shared memory, and
 * one MessagePort), as postMessage carries it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Config } from '../config/types.js';
import type { MountNotice } from '../directory/mount-notice.js';
import type { OperationOutcome } from '../observability/server-events.js';

/** Which mount of the main thread's directory each configured source is: the same id, the same mount. */
export type MountIds = readonly number[];

/** What a listener thread starts with. */
export interface ListenerThreadData {
  /** Its number, from 1 (the main thread is 0): its cell in the connection tally, its log lines' `thread`. */
  readonly thread: number;
  readonly config: Config;
  /** The main thread's directory: mount ids, one per entry of `config.sources`. */
  readonly mounts: MountIds;
  /** The listening sockets, one per `config.listen` entry (LdapServer.listeningFds). */
  readonly fds: readonly number[];
  /** Connections per thread, for `limits.maxConnections` across threads (SharedConnectionTally). */
  readonly tally: SharedArrayBuffer;
  /** Connections per listener and thread, for cn=Monitor (SharedListenerCounts). */
  readonly listenerCounts: SharedArrayBuffer;
  /** Where its binds ask the main thread's throttle (throttle-relay.ts). */
  readonly throttle: MessagePort;
  /** Where it gives binds their turns itself when it can (SharedTurns, local-turns.ts). */
  readonly turns: SharedArrayBuffer;
}

/** From the main thread. */
export type ToListenerThread =
  /** A replica mount's copy changed (its first notice is a fresh one). */
  | { readonly kind: 'notice'; readonly mount: number; readonly notice: MountNotice }
  /** A reload was swapped in: this config, these mounts. */
  | { readonly kind: 'reload'; readonly config: Config; readonly mounts: MountIds }
  /** Stop: let operations under way finish for up to `drainMs`, then close. */
  | { readonly kind: 'close'; readonly drainMs: number };

/** From a listener thread. */
export type FromListenerThread =
  | { readonly kind: 'ready' }
  /** Operations answered since the last report, as (request type, result code or -1, ms) triples. */
  | {
      readonly kind: 'events';
      readonly types: readonly OperationOutcome['request']['type'][];
      readonly codes: readonly number[];
      readonly ms: readonly number[];
      readonly throttled: number;
    }
  | { readonly kind: 'closed' };
