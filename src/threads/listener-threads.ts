/**
 * The main thread's listener threads (`listenerThreads` in the config): worker threads that accept
 * connections on the main thread's listening sockets and serve them beside it, so that searches use
 * every core. The main thread keeps the engines, the change feeds, the snapshots, the admin listener
 * and the throttle; each listener thread is told of every replica round (MountNotice), asks the
 * throttle for each bind's turn, and reports its operations to the metrics. A thread that dies is
 * started again; its connections are lost, as they would be with the process.
 *
 * Why worker threads and not processes (docs/replicas.md "Using more cores"): the replica's store
 * lives in SharedArrayBuffers, which threads read without a copy; a process would need a copy of
 * its own.
 */
import { Worker, MessageChannel } from 'node:worker_threads';
import type { SharedTurns } from '../auth/shared-turns.js';
import type { BindThrottle } from '../auth/throttle.js';
import type { Config } from '../config/types.js';
import type { Directory } from '../directory/directory.js';
import type { MountedSource } from '../directory/mounted-source.js';
import type { Logger } from '../observability/logger.js';
import type { ServerEvents } from '../observability/server-events.js';
import { countRelayed } from './event-relay.js';
import type { SharedConnectionTally } from './shared-connection-tally.js';
import type { SharedListenerCounts } from './shared-listener-counts.js';
import type {
  FromListenerThread,
  ListenerThreadData,
  MountIds,
  ToListenerThread,
} from './thread-messages.js';
import { ThrottleHost } from './throttle-relay.js';

/**
 * A listener thread's young generation: the main thread's under the `dirbridge` command
 * (`--max-semi-space-size=8`, a third of it per semi-space), whether or not the flag is given. V8
 * applies that flag to every isolate ahead of a worker's own limits, so the 3 MiB this once asked
 * for never took effect; made to (the flag cleared first), it kept ~10 MiB less per thread after
 * busy runs but cost 20–45 % more CPU per type-ahead and number-suffix search (A/B at 100,000 people).
 */
export const LISTENER_YOUNG_GENERATION_MB = 24;

/** How long a thread may take to attach to the copies and listen. */
const START_TIMEOUT_MS = 120_000;
/** A thread that died is started again after this long. */
const RESTART_AFTER_MS = 1_000;

export interface ListenerThreadsOptions {
  readonly count: number;
  /** The listening sockets (LdapServer.listeningFds). */
  readonly fds: readonly number[];
  /** Connections per thread, the main thread's cell 0 (its LdapServer counts there). */
  readonly tally: SharedConnectionTally;
  /** Connections per listener and thread, the main thread's cells 0. */
  readonly listenerCounts: SharedListenerCounts;
  /** Where the throttle counts binds under way, and the threads give turns themselves. */
  readonly turns: SharedTurns;
  readonly logger: Logger;
  /** The throttle in force. */
  readonly throttle: () => BindThrottle;
  /** Who counts operations (the metrics); absent: nobody. */
  readonly events?: ServerEvents;
  /** The module a thread runs; default this folder's listener-thread (tests under tsx pass their own). */
  readonly module?: URL;
}

/** One listener thread as the main thread keeps it. */
interface Thread {
  readonly number: number;
  worker: Worker;
  throttle: ThrottleHost;
  /** Ends its part of each mount's notices. */
  readonly unsubscribe: Map<number, () => void>;
}

export class ListenerThreads {
  readonly #threads: Thread[] = [];
  /** Each mount of the main thread's directory has an id, the same in every thread. */
  readonly #ids = new WeakMap<MountedSource, number>();
  #nextId = 1;
  #config: Config;
  #directory: Directory;
  #closing = false;

  private constructor(
    private readonly options: ListenerThreadsOptions,
    config: Config,
    directory: Directory,
  ) {
    this.#config = config;
    this.#directory = directory;
  }

  /** Starts `count` threads over a loaded directory; resolves once each listens and has its copies. */
  static async start(
    options: ListenerThreadsOptions,
    config: Config,
    directory: Directory,
  ): Promise<ListenerThreads> {
    const threads = new ListenerThreads(options, config, directory);
    try {
      await Promise.all(Array.from({ length: options.count }, (_, i) => threads.#spawn(i + 1)));
    } catch (error) {
      await threads.close(0);
      throw error;
    }
    return threads;
  }

  /** A reload was swapped in: every thread builds its directory anew (keeping the mounts it shares). */
  reload(config: Config, directory: Directory): void {
    this.#config = config;
    this.#directory = directory;
    for (const thread of this.#threads) {
      this.#post(thread, { kind: 'reload', config, mounts: this.#mountIds() });
      this.#follow(thread);
    }
  }

  /** Stops every thread: operations under way may finish for up to `drainMs`. */
  async close(drainMs: number): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#threads.map((thread) => this.#stop(thread, drainMs)));
  }

  #mountIds(): MountIds {
    return this.#directory.mounts.map((mount) => {
      let id = this.#ids.get(mount);
      if (id === undefined) this.#ids.set(mount, (id = this.#nextId++));
      return id;
    });
  }

  async #spawn(number: number): Promise<void> {
    const channel = new MessageChannel();
    const data: ListenerThreadData = {
      thread: number,
      config: this.#config,
      mounts: this.#mountIds(),
      fds: this.options.fds,
      tally: this.options.tally.buffer,
      listenerCounts: this.options.listenerCounts.buffer,
      throttle: channel.port2,
      turns: this.options.turns.buffer,
    };
    const worker = new Worker(this.options.module ?? new URL('./listener-thread.js', import.meta.url), {
      workerData: data,
      transferList: [channel.port2],
      resourceLimits: { maxYoungGenerationSizeMb: LISTENER_YOUNG_GENERATION_MB },
    });
    const existing = this.#threads.find((thread) => thread.number === number);
    const thread: Thread = existing ?? {
      number,
      worker,
      throttle: new ThrottleHost(channel.port1, this.options.throttle, this.options.turns),
      unsubscribe: new Map(),
    };
    if (existing) {
      existing.worker = worker;
      existing.throttle = new ThrottleHost(channel.port1, this.options.throttle, this.options.turns);
    } else this.#threads.push(thread);
    this.#follow(thread);
    await this.#started(thread);
    worker.on('exit', (code) => this.#exited(thread, worker, code));
  }

  /** Tells the thread of every replica mount's copy it does not follow yet, and forgets retired ones. */
  #follow(thread: Thread): void {
    const current = new Set<number>();
    for (const mount of this.#directory.mounts) {
      const id = this.#ids.get(mount)!;
      current.add(id);
      if (thread.unsubscribe.has(id)) continue;
      const stop = mount.share((notice) => this.#post(thread, { kind: 'notice', mount: id, notice }));
      if (stop) thread.unsubscribe.set(id, stop);
    }
    for (const [id, stop] of thread.unsubscribe) {
      if (current.has(id)) continue;
      stop();
      thread.unsubscribe.delete(id);
    }
  }

  /** Resolves when the thread is ready; rejects if it fails or takes too long. */
  #started(thread: Thread): Promise<void> {
    const { worker } = thread;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          fail(
            new Error(`listener thread ${thread.number} did not start within ${START_TIMEOUT_MS / 1000} s`),
          ),
        START_TIMEOUT_MS,
      );
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      worker.once('error', (error) =>
        fail(new Error(`listener thread ${thread.number}: ${error.message}`, { cause: error })),
      );
      worker.once('exit', (code) =>
        fail(new Error(`listener thread ${thread.number} ended (code ${code}) before it was ready`)),
      );
      worker.on('message', (message: FromListenerThread) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (message.kind === 'events' && this.options.events)
          countRelayed(message, this.options.events);
      });
    });
  }

  /** A thread that ended without being asked: its connections are gone; it is started again. */
  #exited(thread: Thread, worker: Worker, code: number): void {
    if (thread.worker !== worker) return;
    for (const stop of thread.unsubscribe.values()) stop();
    thread.unsubscribe.clear();
    thread.throttle.close();
    this.options.turns.release(thread.number);
    this.options.tally.forget(thread.number);
    this.options.listenerCounts.forget(thread.number);
    if (this.#closing) return;
    this.options.logger.error({ thread: thread.number, code }, 'listener thread ended; starting it again');
    setTimeout(() => {
      if (this.#closing) return;
      this.#spawn(thread.number).catch((error: unknown) =>
        this.options.logger.error(
          { thread: thread.number, err: error },
          'listener thread did not start again',
        ),
      );
    }, RESTART_AFTER_MS).unref();
  }

  async #stop(thread: Thread, drainMs: number): Promise<void> {
    const { worker } = thread;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.#post(thread, { kind: 'close', drainMs });
    const timer = setTimeout(() => void worker.terminate(), drainMs + 5_000);
    await exited;
    clearTimeout(timer);
  }

  #post(thread: Thread, message: ToListenerThread): void {
    thread.worker.postMessage(message);
  }
}
