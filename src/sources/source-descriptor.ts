/**
 * One source type, as its folder describes it to the rest of dirbridge (a glauth plugin is the
 * model): its config `type`, its settings (a schema fragment, each default written once), which of
 * them are file paths, its default map, the words of its configuration reference, and how to load what
 * builds it from what the app gives it. The registry is a list of these; the config schema and its
 * reference are generated from them, so a new type touches its folder and one line of the list.
 */
import type { SourceTypeSchema } from '../config/source-type-schema.js';
import type { SourceConfig } from '../config/types.js';
import type { FieldMapSpec, IDENTITY_MAP } from '../mapping/field-map.js';
import type { Source } from './source.js';

/** Where a source reports what an operator should know: its backend's failovers, reloads, warnings. */
export interface SourceLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a source needs from the app. */
export interface SourceContext {
  readonly logger: SourceLogger;
  /** The directory's `defaultCountry`, for sources that read telephone numbers. */
  readonly defaultCountry: string;
}

export interface SourceDescriptor extends SourceTypeSchema {
  /** Presented attribute -> source field; config's `map` is laid over it. */
  readonly defaultMap: FieldMapSpec | typeof IDENTITY_MAP;
  /**
   * Settings that decide which records a replica holds when its backend cannot tell (a filter it
   * evaluates itself, the collections it mounts): a snapshot written under others is not served.
   */
  readonly copyScope?: readonly string[];
  /**
   * Loads how the type builds a source. Only the types a config uses are loaded: each brings its
   * client libraries (Graph's, Google's, ldapts), which every listener thread would carry too.
   */
  load(): Promise<SourceFactory>;
}

/** Builds a source from its config (checked against `settings` and defaulted; nothing contacted yet). */
export type SourceFactory = (config: SourceConfig, context: SourceContext) => Source;
