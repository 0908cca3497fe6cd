/**
 * A listener thread (a worker thread the main thread starts, listener-threads.ts): it accepts LDAP
 * connections on the main thread's listening sockets and serves them as the main thread does, with
 * a directory of its own over the same config. Its replica mounts read the copies the main thread's
 * engines keep (AttachedReplicaMount, told of every round); its live mounts have sources of their
 * own (their own connections to the backends); binds are throttled by the main thread's throttle
 * and operations counted by its metrics. It loads, follows and snapshots nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  mountContext,
  mountSource,
  serverFeatures,
  sessionServices,
  sourceFactories,
  type MountContext,
} from '../app.js';
import type { Config } from '../config/types.js';
import type { SourceFactory } from '../sources/source-descriptor.js';
import { AttachedReplicaMount } from '../directory/attached-replica-mount.js';
import { Directory } from '../directory/directory.js';
import type { MountedSource } from '../directory/mounted-source.js';
import { SharedTurns } from '../auth/shared-turns.js';
import { collectWhenIdle } from '../memory/idle-collection.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { loadServerTls } from '../protocol/tls-context.js';
import { LdapServer } from '../server.js';
import { CurrentServices } from '../session/current-services.js';
import { RelayedEvents } from './event-relay.js';
import { SharedConnectionTally } from './shared-connection-tally.js';
import { SharedListenerCounts } from './shared-listener-counts.js';
import type {
  FromListenerThread,
  ListenerThreadData,
  MountIds,
  ToListenerThread,
} from './thread-messages.js';
import { LocalTurns } from './local-turns.js';
import { RemoteThrottle } from './throttle-relay.js';

/** One build of the thread's directory (a reload makes another), and its mounts by main-thread id. */
interface Generation {
  readonly config: Config;
  readonly directory: Directory;
  readonly mounts: ReadonlyMap<number, MountedSource>;
}

class ListenerThread {
  readonly #data: ListenerThreadData;
  readonly #port: NonNullable<typeof parentPort>;
  readonly #logger: Logger;
  readonly #events: RelayedEvents;
  readonly #throttle: RemoteThrottle;
  /** Attached replica mounts by main-thread mount id, and notices that came before their mount. */
  readonly #replicas = new Map<number, AttachedReplicaMount>();
  readonly #early = new Map<number, ToListenerThread & { kind: 'notice' }>();
  #generation: Generation;
  readonly #services: CurrentServices;
  readonly #server: LdapServer;
  /** Reloads in the order the main thread sent them, each once its source types are loaded. */
  #reloads: Promise<void> = Promise.resolve();
  /** Stops the collection this thread runs when it goes quiet (its heap is its own). */
  #stopCollecting: (() => void) | undefined;

  /** `factories`: how to build the source types of `data.config` (sourceFactories). */
  constructor(
    data: ListenerThreadData,
    port: NonNullable<typeof parentPort>,
    factories: ReadonlyMap<string, SourceFactory>,
  ) {
    this.#data = data;
    this.#port = port;
    this.#logger = createLogger(data.config.log.level).child({ thread: data.thread });
    this.#events = new RelayedEvents(port);
    const turns = new SharedTurns(data.turns);
    this.#throttle = new RemoteThrottle(
      data.throttle,
      (report) => new LocalTurns(turns, data.thread, report),
    );
    this.#generation = this.#build(data.config, factories, data.mounts, new Map());
    this.#services = new CurrentServices(this.#servicesOf(this.#generation));
    const tls = data.config.tls && loadServerTls(data.config.tls);
    this.#server = new LdapServer(this.#services, tls, {
      tally: new SharedConnectionTally(data.tally, data.thread),
      listenerCounts: new SharedListenerCounts(data.listenerCounts, data.thread, data.config.listen.length),
    });
    this.#generation.directory.reportListeners(() => this.#server.connections.snapshot());
    port.on('message', (message: ToListenerThread) => this.#handle(message));
  }

  /** Listens once every replica mount has its copy, then says it is ready. */
  async start(): Promise<void> {
    await this.#server.listen(this.#generation.config.listen, this.#data.fds);
    // An attached replica mount starts once the main thread has told it of its copy.
    await this.#generation.directory.start(new AbortController().signal);
    this.#server.open();
    this.#stopCollecting = collectWhenIdle();
    this.#post({ kind: 'ready' });
  }

  #handle(message: ToListenerThread): void {
    if (message.kind === 'notice') {
      const mount = this.#replicas.get(message.mount);
      if (mount) mount.apply(message.notice);
      // A fresh notice may come before the reload that names its mount: kept until then.
      else this.#early.set(message.mount, message);
    } else if (message.kind === 'reload') {
      const { config, mounts } = message;
      this.#reloads = this.#reloads
        .then(async () => this.#reload(config, await sourceFactories(config), mounts))
        .catch((error: unknown) => this.#logger.error({ err: error }, 'reload failed in this thread'));
    } else void this.#close(message.drainMs);
  }

  /** The directory over `config`: mounts the last generation had (same id) kept, the others made. */
  #build(
    config: Config,
    factories: ReadonlyMap<string, SourceFactory>,
    ids: MountIds,
    kept: ReadonlyMap<number, MountedSource>,
  ): Generation {
    const context = mountContext(config, this.#logger, factories);
    const mounts = new Map<number, MountedSource>();
    const list = config.sources.map((source, index) => {
      const id = ids[index]!;
      const mount = kept.get(id) ?? mountSource(source, `sources[${index}]`, this.#attaching(context, id));
      mounts.set(id, mount);
      return mount;
    });
    const directory = new Directory({
      namespace: context.namespace,
      schema: context.schema,
      evaluator: context.evaluator,
      mounts: list,
      features: serverFeatures(config),
    });
    return { config, directory, mounts };
  }

  /** A mount context whose replica mounts read the main thread's mount `id`. */
  #attaching(context: MountContext, id: number): MountContext {
    return {
      ...context,
      replica: (options) => {
        const mount = new AttachedReplicaMount({
          presenter: options.presenter,
          schema: options.schema,
          defaultCountry: options.defaultCountry,
        });
        this.#replicas.set(id, mount);
        const early = this.#early.get(id);
        this.#early.delete(id);
        if (early) mount.apply(early.notice);
        return mount;
      },
    };
  }

  #servicesOf(generation: Generation): ReturnType<typeof sessionServices> {
    return sessionServices(generation.config, generation.directory, this.#logger, {
      events: this.#events,
      throttle: this.#throttle,
    });
  }

  /** The reload the main thread swapped in, swapped in here once its new mounts have started. */
  #reload(config: Config, factories: ReadonlyMap<string, SourceFactory>, ids: MountIds): void {
    const previous = this.#generation;
    const next = this.#build(config, factories, ids, previous.mounts);
    const fresh = [...next.mounts].filter(([id]) => !previous.mounts.has(id)).map(([, mount]) => mount);
    void Promise.all(fresh.map((mount) => mount.start(new AbortController().signal))).then(() => {
      next.directory.reportListeners(() => this.#server.connections.snapshot());
      this.#generation = next;
      this.#services.replace(this.#servicesOf(next));
      for (const [id, mount] of previous.mounts) {
        if (next.mounts.has(id)) continue;
        this.#replicas.delete(id);
        void mount
          .retire(config.limits.idleTimeout * 1000)
          .catch((error: unknown) =>
            this.#logger.error({ source: mount.name, err: error }, 'source did not close cleanly'),
          );
      }
    });
  }

  async #close(drainMs: number): Promise<void> {
    this.#stopCollecting?.();
    await this.#server.close(drainMs);
    await this.#generation.directory.close();
    this.#events.flush();
    this.#post({ kind: 'closed' });
    this.#port.close();
  }

  #post(message: FromListenerThread): void {
    this.#port.postMessage(message);
  }
}

if (parentPort) {
  const data = workerData as ListenerThreadData;
  const thread = new ListenerThread(data, parentPort, await sourceFactories(data.config));
  await thread.start();
}
