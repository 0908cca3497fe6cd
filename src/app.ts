/**
 * Assembles a running dirbridge from a validated config: sources mounted through their maps, the
 * directory loaded, and the listeners open. Used by `dirbridge serve` and by the end-to-end fixtures.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { AccessPolicy } from './auth/access-policy.js';
import { Authenticator } from './auth/authenticator.js';
import { SignOn } from './auth/sign-on.js';
import { AdminServer, AdminServerError } from './admin/admin-server.js';
import { FieldFillCounts } from './admin/field-fill-counts.js';
import { Metrics } from './admin/metrics.js';
import { readiness } from './admin/readiness.js';
import { StatusPage } from './admin/status-routes.js';
import { ADMINISTRATOR } from './admin/status-search.js';
import { ANONYMOUS } from './auth/identity.js';
import type { Config, SourceConfig } from './config/types.js';
import { Directory } from './directory/directory.js';
import type { ServerFeatures } from './directory/special-entries.js';
import type { MonitorSnapshot } from './directory/monitor-entries.js';
import { FilterEvaluator } from './directory/evaluator.js';
import { MountedSource, type MountedSourceOptions } from './directory/mounted-source.js';
import { Namespace } from './directory/namespace.js';
import { Presenter } from './directory/presenter.js';
import { Schema } from './schema/schema.js';
import { FieldMap } from './mapping/field-map.js';
import { collectWhenIdle } from './memory/idle-collection.js';
import { setMarkingTriggers } from './memory/marking-triggers.js';
import type { Logger } from './observability/logger.js';
import type { ServerEvents } from './observability/server-events.js';
import { loadServerTls, TlsSetupError, type ServerTls } from './protocol/tls-context.js';
import { LdapServer, ListenerConfigError, type ListeningAddress } from './server.js';
import { CurrentServices } from './session/current-services.js';
import type { SessionServices } from './session/services.js';
import { ViewCatalog } from './view/view-catalog.js';
import { SUPPORTED_CONTROLS, SUPPORTED_FEATURES, supportedExtensions } from './session/supported.js';
import { loadSourceFactories, sourceType } from './sources/registry.js';
import type { SourceDescriptor, SourceFactory } from './sources/source-descriptor.js';
import { SourceError, type Source, type SourceKind } from './sources/source.js';
import { VERSION } from './version.js';
import type { ResultCacheSettings } from './cache/result-cache.js';
import { SharedTurns } from './auth/shared-turns.js';
import type { BindThrottle } from './auth/throttle.js';
import { ENCODED_ENTRIES_BYTES, EncodedEntries } from './session/encoded-entries.js';
import { ListenerThreads } from './threads/listener-threads.js';
import { SharedConnectionTally } from './threads/shared-connection-tally.js';
import { SharedListenerCounts } from './threads/shared-listener-counts.js';

export interface Running {
  /** The directory serving now (a reload swaps in another). */
  readonly directory: Directory;
  /** What sessions use now: directory, sign-on, access, limits (src/session/current-services.ts). */
  readonly services: SessionServices;
  /** The config in force: as last (re)loaded, less what only a restart applies (src/reload/). */
  readonly config: Config;
  readonly logger: Logger;
  /** Puts what a reload built in force; operations under way finish with what they started with. */
  swap(config: Config, services: SessionServices): void;
  readonly server: LdapServer;
  readonly addresses: readonly ListeningAddress[];
  /** The admin listener's URL (`admin.listen`, its port resolved), when there is one. */
  readonly adminUrl?: string;
  /** Stops; with `drainMs`, operations under way may finish for up to that long first. */
  close(drainMs?: number): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

export async function buildDirectory(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
): Promise<Directory> {
  const directory = await createDirectory(config, logger);
  await loadDirectory(directory, config, signal);
  return directory;
}

/**
 * The directory with every source mounted through its map; nothing is loaded or contacted yet. Only
 * the server's replicas keep snapshots: a command run beside it must not write over them.
 */
async function createDirectory(config: Config, logger: Logger, snapshots = false): Promise<Directory> {
  const context = { ...mountContext(config, logger, await sourceFactories(config)), snapshots };
  const { schema, evaluator, namespace } = context;
  const mounts = config.sources.map((sourceConfig, index) =>
    mountSource(sourceConfig, `sources[${index}]`, context),
  );
  return new Directory({ namespace, schema, evaluator, mounts, features: serverFeatures(config) });
}

/** What the root DSE says the server supports. */
export function serverFeatures(config: Config): ServerFeatures {
  return {
    supportedControls: SUPPORTED_CONTROLS,
    supportedExtensions: supportedExtensions(config.tls !== undefined),
    supportedFeatures: SUPPORTED_FEATURES,
    vendorName: 'dirbridge',
    vendorVersion: `dirbridge ${VERSION}`,
  };
}

/** Loads every source; one that fails stops start-up, named with the config file. */
async function loadDirectory(directory: Directory, config: Config, signal: AbortSignal): Promise<void> {
  try {
    await directory.start(signal);
  } catch (error) {
    await directory.close();
    throw new StartupError(`${config.file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export interface MountContext {
  readonly config: Config;
  readonly schema: Schema;
  readonly evaluator: FilterEvaluator;
  readonly namespace: Namespace;
  readonly logger: Logger;
  /** Whether replicas keep snapshots in `directory.dataDir` (the server's do). */
  readonly snapshots?: boolean;
  /** How replica-mode mounts keep their copy (MountedSourceOptions.replica); absent: an engine here. */
  readonly replica?: MountedSourceOptions['replica'];
  /** How to build each source type the config uses (sourceFactories), loaded before mounting. */
  readonly factories: ReadonlyMap<string, SourceFactory>;
}

/**
 * What every mount shares, `factories` the config's source types loaded (sourceFactories). The CLI's
 * check and fields build it to mount one source at a time.
 */
export function mountContext(
  config: Config,
  logger: Logger,
  factories: ReadonlyMap<string, SourceFactory>,
): MountContext {
  const schema = Schema.load();
  const evaluator = new FilterEvaluator(schema, { defaultCountry: config.directory.defaultCountry });
  const names = config.sources.map((s) => s.name);
  return {
    config,
    schema,
    evaluator,
    namespace: new Namespace(config.directory.suffix, names, schema),
    logger,
    factories,
  };
}

/** How to build the source types `config` uses: only those are loaded (with their client libraries). */
export function sourceFactories(config: Config): Promise<ReadonlyMap<string, SourceFactory>> {
  return loadSourceFactories(config.sources.map((source) => source.type));
}

/** A source created and mounted through its map, not loaded yet; `where` is its path in the config. */
export function mountSource(sourceConfig: SourceConfig, where: string, context: MountContext): MountedSource {
  const type = sourceType(sourceConfig.type);
  const create = context.factories.get(sourceConfig.type);
  if (!type || !create)
    throw new StartupError(
      `${context.config.file}: ${where}.type: unknown source type "${sourceConfig.type}"`,
    );
  const logger = context.logger.child({ source: sourceConfig.name });
  let source: Source;
  try {
    source = create(sourceConfig, { logger, defaultCountry: context.config.directory.defaultCountry });
  } catch (error) {
    // A setting the schema cannot judge (a CA file that cannot be read, sign-on in clear, a filter).
    if (!(error instanceof SourceError)) throw error;
    throw new StartupError(`${context.config.file}: ${where}: ${error.message}`, { cause: error });
  }
  let map: FieldMap;
  try {
    map = new FieldMap(context.schema, type.defaultMap, sourceConfig.map);
  } catch (error) {
    throw new StartupError(
      `${context.config.file}: ${where}.${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // The type's settings give `mode` its default, so a loaded config always has one.
  const mode = sourceConfig.mode;
  if (mode === undefined || !source.capabilities.modes.includes(mode)) {
    throw new StartupError(
      `${context.config.file}: ${where}.mode: a ${sourceConfig.type} source cannot run in ${mode ?? 'no'} mode`,
    );
  }
  return new MountedSource({
    source,
    mode,
    map,
    presenter: new Presenter(source.name, source.kind satisfies SourceKind, map, context.namespace),
    schema: context.schema,
    defaultCountry: context.config.directory.defaultCountry,
    description: `${sourceConfig.type} source "${source.name}" (${mode})`,
    type: sourceConfig.type,
    logger,
    ...(isResultCacheSettings(sourceConfig.cache) ? { resultCache: sourceConfig.cache } : {}),
    ...(sourceConfig.maxDeletes === undefined ? {} : { maxDeletes: sourceConfig.maxDeletes }),
    ...(context.replica ? { replica: context.replica } : {}),
    ...(context.snapshots && context.config.directory.dataDir !== undefined
      ? {
          dataDir: context.config.directory.dataDir,
          fingerprint: presentationFingerprint(sourceConfig, type, context),
        }
      : {}),
  });
}

/**
 * What a replica's entries and index keys depend on besides the records: the type, its default map
 * and the configured one, and the country numbers are read in. A snapshot written under another is
 * not served. No connection setting goes in: a snapshot outlives a password change, and the
 * deletion guard, not a discarded snapshot, answers a base DN that changed.
 */
function presentationFingerprint(
  sourceConfig: SourceConfig,
  type: SourceDescriptor,
  context: MountContext,
): string {
  const presentation = {
    type: sourceConfig.type,
    defaultMap: type.defaultMap,
    map: sourceConfig.map ?? {},
    ...(type.copyScope
      ? { scope: type.copyScope.map((setting) => [setting, sourceConfig[setting] ?? null]) }
      : {}),
    defaultCountry: context.config.directory.defaultCountry,
    version: VERSION,
  };
  return createHash('sha256').update(JSON.stringify(presentation)).digest('hex');
}

/** What sessions use under a config, over a directory; `throttle` keeps the failures counted so far. */
export function sessionServices(
  config: Config,
  directory: Directory,
  logger: Logger,
  options: {
    readonly events?: ServerEvents;
    readonly throttle?: BindThrottle;
    readonly turns?: SharedTurns;
  } = {},
): SessionServices {
  const signOnMounts = directory.mounts.filter((mount) => mount.source.capabilities.signOn);
  return {
    directory,
    holdSignOn: () => {
      for (const mount of signOnMounts) mount.enter();
      return () => {
        for (const mount of signOnMounts) mount.leave();
      };
    },
    authenticator: new Authenticator({
      access: config.access,
      suffix: config.directory.suffix,
      signOn: signOnThrough(directory),
      ...(options.throttle ? { throttle: options.throttle } : {}),
      ...(options.turns ? { turns: options.turns } : {}),
    }),
    access: new AccessPolicy(config.access),
    directoryConfig: config.directory,
    limits: config.limits,
    logger,
    ...(options.events ? { events: options.events } : {}),
    views: new ViewCatalog(config, directory.schema),
    // The budget is the process's: each event loop (main and listener threads) keeps its share.
    encodedEntries: new EncodedEntries(ENCODED_ENTRIES_BYTES / (config.listenerThreads + 1)),
  };
}

export async function startDirbridge(config: Config, logger: Logger): Promise<Running> {
  const startup = new AbortController();
  // Before the sources load, and for every listener thread (the flags are the process's).
  setMarkingTriggers();
  // A certificate or a port problem stops start-up before the sources load: it is the first and only
  // line the operator sees, not one after minutes of loading and its log lines.
  const tls = serverTls(config);
  await prepareDataDir(config);
  const directory = await createDirectory(config, logger, true);
  let running = config;
  // Metrics and readiness read whatever directory and config are in force when they are asked.
  const metrics: Metrics | undefined =
    config.admin &&
    new Metrics({
      snapshot: (): MonitorSnapshot => current.current.directory.monitorSnapshot(),
      maxStaleMs: (source) => maxStaleOf(running)(source),
    });
  const threadCount = config.listenerThreads;
  // Listener threads give binds their turns themselves where they can, in this memory.
  const turns = threadCount > 0 ? new SharedTurns(SharedTurns.memory(threadCount)) : undefined;
  const current: CurrentServices = new CurrentServices(
    sessionServices(config, directory, logger, {
      ...(metrics ? { events: metrics } : {}),
      ...(turns ? { turns } : {}),
    }),
  );
  // With listener threads, connections are counted where every thread adds its own.
  const shared =
    threadCount > 0
      ? {
          tally: new SharedConnectionTally(SharedConnectionTally.memory(threadCount), 0),
          listenerCounts: new SharedListenerCounts(
            SharedListenerCounts.memory(threadCount, config.listen.length),
            0,
            config.listen.length,
          ),
        }
      : undefined;
  const server = new LdapServer(current, tls, shared ?? {});
  directory.reportListeners(() => server.connections.snapshot());
  const addresses = await listen(server, directory, config);
  // Up before the sources load, so a probe sees the process alive and not yet ready.
  const admin =
    metrics &&
    (await startAdmin(
      config,
      metrics,
      () => current.current,
      () => running,
      logger,
      server,
    ));
  let threads: ListenerThreads | undefined;
  let stopCollecting = (): void => undefined;
  const close = async (drainMs = 0): Promise<void> => {
    stopCollecting();
    await Promise.all([server.close(drainMs), threads?.close(drainMs)]);
    await admin?.server.close();
    await current.current.directory.close();
  };
  try {
    await loadDirectory(directory, config, startup.signal);
  } catch (error) {
    await admin?.server.close();
    await server.close();
    throw error;
  }
  if (shared) {
    try {
      threads = await startThreads(
        threadCount,
        { server, ...shared, turns: turns!, logger, current, metrics },
        config,
        directory,
      );
    } catch (error) {
      await close();
      throw error;
    }
  }
  server.open();
  stopCollecting = collectWhenIdle();
  return {
    get directory() {
      return current.current.directory;
    },
    get services() {
      return current.current;
    },
    get config() {
      return running;
    },
    logger,
    swap(config, services) {
      running = config;
      current.replace(services);
      threads?.reload(config, services.directory);
    },
    server,
    addresses,
    ...(admin ? { adminUrl: admin.url } : {}),
    close,
  };
}

/** The listener threads (`listenerThreads`), once the directory has loaded; a failure names the config file. */
async function startThreads(
  count: number,
  parts: {
    readonly server: LdapServer;
    readonly tally: SharedConnectionTally;
    readonly listenerCounts: SharedListenerCounts;
    readonly turns: SharedTurns;
    readonly logger: Logger;
    readonly current: CurrentServices;
    readonly metrics: Metrics | undefined;
  },
  config: Config,
  directory: Directory,
): Promise<ListenerThreads> {
  const { server, tally, listenerCounts, turns, logger, current, metrics } = parts;
  try {
    return await ListenerThreads.start(
      {
        count,
        fds: server.listeningFds(),
        tally,
        listenerCounts,
        turns,
        logger,
        throttle: () => current.current.authenticator.throttle,
        ...(metrics ? { events: metrics } : {}),
      },
      config,
      directory,
    );
  } catch (error) {
    throw new StartupError(
      `${config.file}: listenerThreads: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Each source's `maxStale` in ms (the schema fills its default). */
function maxStaleOf(config: Config): (source: string) => number {
  const seconds = new Map(config.sources.map((source) => [source.name, source.maxStale ?? 0]));
  return (source) => (seconds.get(source) ?? 0) * 1000;
}

/** The admin listener; a port problem stops start-up naming `admin.listen`, like an LDAP listener's. */
async function startAdmin(
  config: Config,
  metrics: Metrics,
  services: () => SessionServices,
  running: () => Config,
  logger: Logger,
  server: LdapServer,
): Promise<{ readonly server: AdminServer; readonly url: string }> {
  const { listen: url, token, hosts } = config.admin!;
  const admin = new AdminServer({
    listen: url,
    ...(token === undefined ? {} : { token }),
    ...(hosts === undefined ? {} : { hosts }),
    metrics,
    readiness: () => readiness(services().directory.monitorSnapshot().sources, maxStaleOf(running())),
    status: currentStatusPage(services, running),
    logger,
  });
  try {
    const { host, port } = await admin.start();
    return { server: admin, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
  } catch (error) {
    await server.close();
    await services().directory.close();
    if (!(error instanceof AdminServerError)) throw error;
    throw new StartupError(`${config.file}: ${error.message}`, { cause: error });
  }
}

/** The status page of the settings in force: made anew after a reload, kept (with its counts) until then. */
function currentStatusPage(
  services: () => SessionServices,
  running: () => Config,
): Pick<StatusPage, 'answer'> {
  let page: { readonly for: SessionServices; readonly page: StatusPage } | undefined;
  return {
    answer: (call) => {
      const now = services();
      if (page?.for !== now) page = { for: now, page: statusPage(running(), now) };
      return page.page.answer(call);
    },
  };
}

/**
 * The status page: cn=Monitor's view, each mount's map and counts, the search path, the
 * authenticator. Its search reads as the administrator behind `admin.token`; without a token, as an
 * anonymous LDAP client may.
 */
function statusPage(config: Config, { directory, authenticator, access }: SessionServices): StatusPage {
  return new StatusPage({
    snapshot: () => directory.monitorSnapshot(),
    fieldCounts: new FieldFillCounts(directory.mounts),
    search: {
      directory,
      grant:
        config.admin?.token === undefined
          ? () => access.read(ANONYMOUS, false, 'search')
          : () => ADMINISTRATOR,
      suffix: config.directory.suffix,
      maxFilterEvaluations: config.limits.maxFilterEvaluations,
      timeLimitSeconds: config.directory.timeLimit,
    },
    authenticator,
  });
}

/** The folder replicas keep their snapshots in, made now so a bad path stops start-up in one line. */
async function prepareDataDir(config: Config): Promise<void> {
  const { dataDir } = config.directory;
  if (dataDir === undefined) return;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StartupError(
      `${config.file}: directory.dataDir: cannot create ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
}

/** Binds every listener; connections wait until `server.open()`. A failure names the config file. */
async function listen(server: LdapServer, directory: Directory, config: Config): Promise<ListeningAddress[]> {
  try {
    return await server.listen(config.listen);
  } catch (error) {
    await server.close();
    await directory.close();
    if (!(error instanceof ListenerConfigError)) throw error;
    throw new StartupError(`${config.file}: ${error.message}`, { cause: error });
  }
}

/** Sign-on through the sources that delegate binds, in config order. */
function signOnThrough(directory: Directory): SignOn {
  const sources = directory.mounts
    .filter((mount) => mount.source.capabilities.signOn)
    .map((mount) => ({ mount: mount.name, source: mount.source }));
  return new SignOn(sources, directory);
}

/** The LDAP front's certificate, read and checked now, so a bad one stops start-up naming the file. */
function serverTls(config: Config): ServerTls | undefined {
  if (!config.tls) return undefined;
  try {
    return loadServerTls(config.tls);
  } catch (error) {
    if (!(error instanceof TlsSetupError)) throw error;
    throw new StartupError(`${config.file}: ${error.message}`, { cause: error });
  }
}

/** A live source's `cache` setting, as the schema (with its defaults applied) guarantees it. */
function isResultCacheSettings(value: unknown): value is ResultCacheSettings {
  if (typeof value !== 'object' || value === null) return false;
  const { size, ttl, maxRecords } = value as Record<string, unknown>;
  return typeof size === 'number' && typeof ttl === 'number' && typeof maxRecords === 'number';
}
