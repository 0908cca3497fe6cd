/**
 * Reloads a running server's config file (SIGHUP, `dirbridge reload`) without dropping a connection:
 *
 * - a config that does not load (YAML, schema, a source type or setting that is wrong) is refused
 *   whole, with the lines `dirbridge check` prints, and the running one stays untouched;
 * - added and changed sources are built and loaded beside the running ones (a replica restored from
 *   its snapshot also waits for its first round), and swapped in only when ready; one that fails to
 *   load is logged with its config path and not swapped: the running version keeps serving (an added
 *   one is not mounted), and the next reload tries it again;
 * - unchanged sources keep their mount, their copy and their snapshot;
 * - everything else sessions read (accounts, access, throttle, limits, directory limits) is built
 *   anew and swapped in at once with the new directory; an operation under way finishes with what it
 *   started with, and a paged search continues on the sources it began on until its last page (a
 *   replaced or removed source closes when the last search walking it ends);
 * - `listen`, `tls`, `admin`, `log` and `directory.dataDir` keep their running values: a line says
 *   "restart needed for …", and the rest applies.
 *
 * One reload runs at a time; a request during one runs after it (requests meanwhile join that one).
 */
import {
  sessionServices,
  sourceFactories,
  StartupError,
  mountSource,
  type MountContext,
  type Running,
} from '../app.js';
import { ConfigError } from '../config/config-error.js';
import type { Config, SourceConfig } from '../config/types.js';
import type { Directory } from '../directory/directory.js';
import { FilterEvaluator } from '../directory/evaluator.js';
import type { MountedSource } from '../directory/mounted-source.js';
import { Namespace } from '../directory/namespace.js';
import { configChanges, hasChanges, reloadableConfig, type ConfigChanges } from './config-changes.js';

export type ReloadOutcome =
  | { readonly kind: 'refused'; readonly problems: readonly string[] }
  | { readonly kind: 'unchanged' }
  | {
      readonly kind: 'applied';
      readonly changes: ConfigChanges;
      /** Sources whose new version failed to load: the running version (if any) serves on. */
      readonly failed: readonly string[];
    };

/** A source built from the new config, and how it went. */
interface Fresh {
  readonly config: SourceConfig;
  readonly where: string;
  readonly mount: MountedSource;
  /** The mount it replaces; none for an added source. */
  readonly replaces?: MountedSource;
  failure?: string;
}

export class Reloader {
  #queue: Promise<unknown> = Promise.resolve();
  #next: Promise<ReloadOutcome> | undefined;
  readonly #stop = new AbortController();

  constructor(
    private readonly running: Running,
    /** Loads and validates the config file, as every command does. */
    private readonly load: (file: string) => Promise<Config>,
  ) {}

  /** Reloads after the reload under way, if any; a request while one already waits joins it. */
  reload(): Promise<ReloadOutcome> {
    if (this.#next) return this.#next;
    const next = this.#queue.then(() => {
      this.#next = undefined;
      return this.#reload();
    });
    this.#next = next;
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Shutdown: a reload under way stops loading its sources and swaps nothing in. */
  close(): void {
    this.#stop.abort(new Error('shutting down'));
  }

  async #reload(): Promise<ReloadOutcome> {
    const { logger } = this.running;
    const before = this.running.config;
    let loaded: Config;
    try {
      loaded = await this.load(before.file);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return this.#refuse(error.message.split('\n'));
    }
    const changes = configChanges(before, loaded);
    if (!hasChanges(changes)) {
      logger.info({ file: before.file }, 'config reloaded: nothing changed');
      return { kind: 'unchanged' };
    }
    const next = reloadableConfig(before, loaded);
    const directory = this.running.directory;
    const evaluator =
      next.directory.defaultCountry === before.directory.defaultCountry
        ? directory.evaluator
        : new FilterEvaluator(directory.schema, { defaultCountry: next.directory.defaultCountry });
    let fresh: Fresh[];
    try {
      fresh = await this.#build(next, changes, directory, evaluator);
    } catch (error) {
      if (!(error instanceof StartupError)) throw error;
      return this.#refuse([error.message]);
    }
    for (const setting of changes.restartNeeded)
      logger.warn({ setting }, `restart needed for ${setting}: it keeps its running value; the rest applies`);
    await this.#load(fresh);
    if (this.#stop.signal.aborted) {
      await Promise.all(fresh.filter((built) => built.failure === undefined).map(discard));
      return { kind: 'unchanged' };
    }
    const failed = fresh.filter((built) => built.failure !== undefined);
    for (const built of failed) {
      logger.error(
        { source: built.config.name },
        `${next.file}: ${built.where}: ${built.failure!}; ${built.replaces ? 'the running version keeps serving' : 'not mounted'}`,
      );
    }
    this.#swap(next, before, changes, fresh, evaluator);
    logger.info(
      { file: next.file, ...changes.sources, settings: changes.settings, failed: failed.map(nameOf) },
      `config reloaded: ${describe(changes, failed.map(nameOf))}`,
    );
    return { kind: 'applied', changes, failed: failed.map(nameOf) };
  }

  #refuse(problems: readonly string[]): ReloadOutcome {
    this.running.logger.error(
      { problems },
      `config not reloaded (the running config keeps serving): ${problems.join('; ')}`,
    );
    return { kind: 'refused', problems };
  }

  /** Mounts every added and changed source, none started; a setting that is wrong refuses them all. */
  async #build(
    next: Config,
    changes: ConfigChanges,
    directory: Directory,
    evaluator: FilterEvaluator,
  ): Promise<Fresh[]> {
    const rebuilt = new Set([...changes.sources.added, ...changes.sources.changed]);
    const context: MountContext = {
      config: next,
      schema: directory.schema,
      evaluator,
      namespace: new Namespace(
        next.directory.suffix,
        next.sources.map((source) => source.name),
        directory.schema,
      ),
      logger: this.running.logger,
      snapshots: true,
      factories: await sourceFactories(next),
    };
    const running = new Map(directory.mounts.map((mount) => [mount.name, mount]));
    const fresh: Fresh[] = [];
    try {
      for (const [index, config] of next.sources.entries()) {
        if (!rebuilt.has(config.name)) continue;
        const where = `sources[${index}]`;
        const replaces = running.get(config.name);
        fresh.push({
          config,
          where,
          mount: mountSource(config, where, context),
          ...(replaces ? { replaces } : {}),
        });
      }
    } catch (error) {
      for (const built of fresh) void built.mount.source.close().catch(() => undefined);
      throw error;
    }
    return fresh;
  }

  /**
   * Loads the new mounts side by side. A replaced one stops writing the snapshot file the new one
   * restores from and writes; a new one that fails is closed, and the one it would replace writes
   * its snapshot again.
   */
  async #load(fresh: readonly Fresh[]): Promise<void> {
    const signal = this.#stop.signal;
    await Promise.all(
      fresh.map(async (built) => {
        await built.replaces?.holdSnapshot();
        try {
          await built.mount.start(signal, true);
        } catch (error) {
          built.failure = error instanceof Error ? error.message : String(error);
          await discard(built);
        }
      }),
    );
  }

  /** The new directory and services in force; what they no longer hold closes once unused. */
  #swap(
    next: Config,
    before: Config,
    changes: ConfigChanges,
    fresh: readonly Fresh[],
    evaluator: FilterEvaluator,
  ): void {
    const { logger } = this.running;
    const previous = this.running.services;
    const running = new Map(previous.directory.mounts.map((mount) => [mount.name, mount]));
    const loaded = new Map(
      fresh.filter((built) => built.failure === undefined).map((built) => [built.config.name, built.mount]),
    );
    const mounts: MountedSource[] = [];
    const sources: SourceConfig[] = [];
    for (const config of next.sources) {
      const mount = loaded.get(config.name) ?? running.get(config.name);
      if (!mount) continue; // added, and failed to load
      mounts.push(mount);
      // A source that failed keeps its running config, so the next reload tries the new one again.
      sources.push(
        loaded.has(config.name) || changes.sources.unchanged.includes(config.name)
          ? config
          : before.sources.find((source) => source.name === config.name)!,
      );
    }
    const applied: Config = { ...next, sources };
    const directory = previous.directory.remount({
      namespace: new Namespace(
        applied.directory.suffix,
        mounts.map((mount) => mount.name),
        previous.directory.schema,
      ),
      evaluator,
      mounts,
    });
    const throttleKept = !changes.settings.includes('throttle');
    this.running.swap(
      applied,
      sessionServices(applied, directory, logger, {
        ...(previous.events ? { events: previous.events } : {}),
        ...(throttleKept ? { throttle: previous.authenticator.throttle } : {}),
        ...(previous.authenticator.turns ? { turns: previous.authenticator.turns } : {}),
      }),
    );
    const kept = new Set(mounts);
    for (const mount of running.values()) {
      if (kept.has(mount)) continue;
      // A paged search left parked past the idle timeout no longer keeps the old source open.
      mount.retire(applied.limits.idleTimeout * 1000).then(
        () => logger.info({ source: mount.name }, 'source closed: a reload replaced or removed it'),
        (error: unknown) => logger.error({ source: mount.name, err: error }, 'source did not close cleanly'),
      );
    }
  }
}

/** A new mount that is not swapped in: closed without touching the snapshot file. */
async function discard(built: Fresh): Promise<void> {
  await built.mount.holdSnapshot();
  await built.mount.close().catch(() => undefined);
  built.replaces?.releaseSnapshot();
}

function nameOf(built: Fresh): string {
  return built.config.name;
}

/** `sources added: b; changed: a; removed: c; accounts, limits`: what an operator looks for. */
function describe(changes: ConfigChanges, failed: readonly string[]): string {
  const { added, changed, removed } = changes.sources;
  const parts = [
    ...(added.length > 0 ? [`sources added: ${added.join(', ')}`] : []),
    ...(changed.length > 0 ? [`sources changed: ${changed.join(', ')}`] : []),
    ...(removed.length > 0 ? [`sources removed: ${removed.join(', ')}`] : []),
    ...(changes.settings.length > 0 ? [`settings: ${changes.settings.join(', ')}`] : []),
    ...(changes.restartNeeded.length > 0 ? [`restart needed for: ${changes.restartNeeded.join(', ')}`] : []),
    ...(failed.length > 0 ? [`not loaded: ${failed.join(', ')}`] : []),
  ];
  return parts.join('; ');
}
