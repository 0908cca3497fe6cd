/** The validated configuration (schemas/config.schema.json is the source of truth for its shape). */

export interface ListenerConfig {
  /** `ldap://host:port` or `ldaps://host:port`. */
  readonly url: string;
}

export interface DirectoryConfig {
  readonly suffix: string;
  /** Cap for unpaged searches; the client's smaller limit wins. */
  readonly sizeLimit: number;
  /** Largest page a paged search returns. */
  readonly maxPageSize: number;
  /** Seconds; the client's smaller limit wins. */
  readonly timeLimit: number;
  /** ISO 3166 country used to read national numbers such as `030 123456`. */
  readonly defaultCountry: string;
}

export interface LimitsConfig {
  readonly maxConnections: number;
  /** Seconds a connection may stay silent with nothing outstanding. */
  readonly idleTimeout: number;
  readonly maxRequestBytes: number;
  readonly maxFilterDepth: number;
  readonly maxFilterNodes: number;
}

export interface AccessConfig {
  /** Whether anonymous binds may search the mounts (the root DSE and schema are always readable). */
  readonly anonymous: boolean;
}

export interface SourceConfig {
  readonly name: string;
  readonly type: string;
  readonly mode?: 'live' | 'replica';
  /** Presented attribute -> source field, over the source's default map. */
  readonly map?: Readonly<Record<string, string>>;
  /** Type-specific settings, validated by the schema for that type. */
  readonly [setting: string]: unknown;
}

export interface LogConfig {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface Config {
  /** Where the config was read from, for error messages and relative paths. */
  readonly file: string;
  readonly listen: readonly ListenerConfig[];
  readonly directory: DirectoryConfig;
  readonly limits: LimitsConfig;
  readonly access: AccessConfig;
  readonly sources: readonly SourceConfig[];
  readonly log: LogConfig;
}
