/** The validated configuration (schemas/config.schema.json is the source of truth for its shape). */

export interface ListenerConfig {
  /** `ldap://host:port` or `ldaps://host:port`. */
  readonly url: string;
  /** Connections come through balancers at these addresses, each starting with a PROXY header. */
  readonly proxyProtocol?: { readonly from: readonly string[] };
  /** The view its clients get unless their account names one (docs/views.md). */
  readonly view?: string;
}

/** TLS for the LDAP front: LDAPS listeners, and StartTLS on plain ones. */
export interface TlsConfig {
  /** PEM server certificate (then any intermediates); an absolute path once loaded. */
  readonly cert: string;
  /** PEM private key of `cert`; an absolute path once loaded. */
  readonly key: string;
  /** PEM CA certificates that sign client certificates; an absolute path once loaded. */
  readonly ca?: string;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** Whether clients must present a certificate that `ca` signed (mutual TLS). */
  readonly requestClientCert: boolean;
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
  /** Where replicas keep their snapshots; an absolute path once loaded. Absent: no snapshots. */
  readonly dataDir?: string;
}

export interface LimitsConfig {
  readonly maxConnections: number;
  /** Seconds a stopping server lets operations under way finish. */
  readonly shutdownTimeout: number;
  /** Seconds a connection may stay silent with nothing outstanding. */
  readonly idleTimeout: number;
  /** Seconds a request that has started to arrive may take to arrive in full. */
  readonly requestTimeout: number;
  /** Seconds a connection's queued output may go without the client taking any of it. */
  readonly writeTimeout: number;
  readonly maxRequestBytes: number;
  /** Bytes of responses queued for one connection beyond which no more entries are produced for it. */
  readonly maxQueuedBytes: number;
  readonly maxFilterDepth: number;
  readonly maxFilterNodes: number;
  /** Filter items one search may test against entries (per page when paged). */
  readonly maxFilterEvaluations: number;
}

/** Which mounts (source names) a caller may read: `all`, or a list. */
export type ReadGrant = 'all' | readonly string[];

/** A local service account, for the PBX and the phones. */
export interface AccountConfig {
  /** Bind name: `<name>` (any case) or `cn=<name>,<suffix>`. */
  readonly name: string;
  /** `$scrypt$N=…,r=…,p=…$<salt>$<hash>`, as `dirbridge hash-password` prints it. */
  readonly passwordHash: string;
  readonly read: ReadGrant;
  /** Sensitive attributes (`userPassword`, `wuserPasswordSip`) this account may read. */
  readonly sensitive: readonly string[];
  /** The view its clients get, over the listener's (docs/views.md). */
  readonly view?: string;
}

/** Bind throttling; durations in seconds. */
export interface ThrottleConfig {
  /** Failures of one login before its binds are delayed. */
  readonly loginFailures: number;
  /** Failures for names nobody owns from one (untrusted) address before its binds are delayed. */
  readonly addressFailures: number;
  /** First delay; each further failure doubles it. */
  readonly delay: number;
  readonly maxDelay: number;
  /** One counted failure is forgotten every `decay` seconds. */
  readonly decay: number;
  /** Most logins, and most addresses, remembered at once. */
  readonly maxTracked: number;
}

export interface AccessConfig {
  /**
   * What anonymous binds may search: nothing (`false`, the default), every mount (`true`), or the
   * mounts listed. The root DSE and schema are always readable.
   */
  readonly anonymous: boolean | { readonly read: ReadGrant };
  readonly accounts: readonly AccountConfig[];
  /** Addresses and CIDR ranges that may send passwords without TLS and are not throttled by address. */
  readonly trustedAddresses: readonly string[];
  /** Whether loopback (127.0.0.0/8, ::1) is trusted like `trustedAddresses`. */
  readonly trustLoopback: boolean;
  readonly throttle: ThrottleConfig;
  /** What users who signed on through a source may search: by default that source's mount. */
  readonly signedOn: { readonly read?: ReadGrant };
}

export interface SourceConfig {
  readonly name: string;
  readonly type: string;
  readonly mode?: 'live' | 'replica';
  /** Presented attribute -> source field (or fields, the first a record holds), over the default map. */
  readonly map?: Readonly<Record<string, string | readonly string[]>>;
  /** Most deletions one replica sync may apply: a count, or a share such as `10%`. */
  readonly maxDeletes?: number | string;
  /** Seconds a replica may serve a stale copy and still be ready (`/readyz`). */
  readonly maxStale?: number;
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
  /** Worker threads serving the `listen` ports beside the main thread (src/threads/); 0: none. */
  readonly listenerThreads: number;
  /** Absent: plain LDAP only (no LDAPS listener, no StartTLS). */
  readonly tls?: TlsConfig;
  readonly directory: DirectoryConfig;
  readonly limits: LimitsConfig;
  readonly access: AccessConfig;
  readonly sources: readonly SourceConfig[];
  /** Views defined in config, by name: client name -> presented attribute (docs/views.md). */
  readonly views: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly log: LogConfig;
  /** Absent: no admin listener. */
  readonly admin?: AdminConfig;
}

export interface AdminConfig {
  /** `http://host:port`. */
  readonly listen: string;
  readonly token?: string;
  /** DNS names the listener answers to without a token, besides IP addresses and `localhost`. */
  readonly hosts?: readonly string[];
}
