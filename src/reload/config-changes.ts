/**
 * What a reload changes: which sources were added, removed or changed, which settings sessions read
 * per operation changed, and which settings only a restart applies (the listeners, the certificate,
 * the admin listener, the snapshot folder). A source is unchanged when its config is deep-equal and
 * the directory-wide settings its entries depend on (the suffix its DNs end in, the country its
 * numbers are read in) are too: then its mount, its copy and its snapshot are kept as they are.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config, SourceConfig } from '../config/types.js';

export interface SourceChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
}

export interface ConfigChanges {
  readonly sources: SourceChanges;
  /** Settings new operations read: `accounts`, `access`, `throttle`, `limits`, `directory`, … */
  readonly settings: readonly string[];
  /** Settings a running server cannot change: `listen`, `tls`, `admin`, `log`, `directory.dataDir`. */
  readonly restartNeeded: readonly string[];
}

/**
 * Top-level sections a reload cannot apply: the sockets and the certificate are opened once, and
 * every source's logger is made with the level once.
 */
const RESTART_SECTIONS = ['listen', 'listenerThreads', 'tls', 'admin', 'log'] as const;

/** Directory settings a source's entries depend on (see presentationFingerprint in src/app.ts). */
const PRESENTATION_SETTINGS = ['suffix', 'defaultCountry'] as const;

/** Sections compared key by key elsewhere, or not settings at all. */
const SEPARATE_SECTIONS = new Set(['file', 'sources', 'access', 'directory', ...RESTART_SECTIONS]);

export function configChanges(running: Config, next: Config): ConfigChanges {
  return {
    sources: sourceChanges(running, next),
    settings: [
      ...accessChanges(running.access, next.access),
      ...(directoryChanged(running, next) ? ['directory'] : []),
      ...otherSectionChanges(running, next),
    ],
    restartNeeded: [
      ...RESTART_SECTIONS.filter((section) => !isDeepStrictEqual(running[section], next[section])),
      ...(running.directory.dataDir === next.directory.dataDir ? [] : ['directory.dataDir']),
    ],
  };
}

/** Whether the reload has anything to do. */
export function hasChanges(changes: ConfigChanges): boolean {
  const { added, removed, changed } = changes.sources;
  return (
    added.length + removed.length + changed.length + changes.settings.length + changes.restartNeeded.length >
    0
  );
}

/**
 * The config a reload applies: the new one, with the settings only a restart applies left as they
 * run. It is what the next reload compares with.
 */
export function reloadableConfig(running: Config, next: Config): Config {
  const { listen, listenerThreads, tls, admin, log } = running;
  const { dataDir } = running.directory;
  const config: { -readonly [K in keyof Config]: Config[K] } = { ...next, listen, listenerThreads, log };
  delete config.tls;
  delete config.admin;
  const directory: { -readonly [K in keyof Config['directory']]: Config['directory'][K] } = {
    ...next.directory,
  };
  delete directory.dataDir;
  // An optional setting the running server has not got stays absent, as a loaded config has it.
  if (dataDir !== undefined) directory.dataDir = dataDir;
  if (tls !== undefined) config.tls = tls;
  if (admin !== undefined) config.admin = admin;
  return { ...config, directory };
}

function sourceChanges(running: Config, next: Config): SourceChanges {
  const before = new Map(running.sources.map((source) => [source.name, source]));
  const after = new Set(next.sources.map((source) => source.name));
  const presentationSame = PRESENTATION_SETTINGS.every(
    (setting) => running.directory[setting] === next.directory[setting],
  );
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const source of next.sources) {
    const old = before.get(source.name);
    if (!old) added.push(source.name);
    else if (presentationSame && sameSource(old, source)) unchanged.push(source.name);
    else changed.push(source.name);
  }
  const removed = running.sources.map((source) => source.name).filter((name) => !after.has(name));
  return { added, removed, changed, unchanged };
}

function sameSource(a: SourceConfig, b: SourceConfig): boolean {
  return isDeepStrictEqual(a, b);
}

/** `accounts` and `throttle` by name (an operator looks for them), the rest of `access` as `access`. */
function accessChanges(running: Config['access'], next: Config['access']): string[] {
  const changes: string[] = [];
  if (!isDeepStrictEqual(running.accounts, next.accounts)) changes.push('accounts');
  if (!isDeepStrictEqual(running.throttle, next.throttle)) changes.push('throttle');
  const rest = (access: Config['access']): unknown => ({
    ...access,
    accounts: undefined,
    throttle: undefined,
  });
  if (!isDeepStrictEqual(rest(running), rest(next))) changes.push('access');
  return changes;
}

/** The directory's limits and names (the snapshot folder is a restart's). */
function directoryChanged(running: Config, next: Config): boolean {
  const withoutDataDir = (config: Config): unknown => ({ ...config.directory, dataDir: undefined });
  return !isDeepStrictEqual(withoutDataDir(running), withoutDataDir(next));
}

/** Any other section (`limits`, `log`, and whatever later versions add), by its name. */
function otherSectionChanges(running: Config, next: Config): string[] {
  const sections = new Set([...Object.keys(running), ...Object.keys(next)]);
  return [...sections]
    .filter((section) => !SEPARATE_SECTIONS.has(section))
    .filter(
      (section) =>
        !isDeepStrictEqual(
          (running as unknown as Record<string, unknown>)[section],
          (next as unknown as Record<string, unknown>)[section],
        ),
    );
}
