/**
 * The process logger: pino JSON lines on stderr, so stdout stays for what the CLI prints for people;
 * pretty-printed (pino-pretty) when stderr is a terminal. Fields that could carry a secret are
 * redacted by name wherever secrets are known to travel (see REDACTED_PATHS).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { BatchedDestination } from './batched-destination.js';

export type { Logger };

/** Field names that hold a secret or something as good as one (a hash, a token, a private key). */
export const SECRET_FIELDS: readonly string[] = [
  'password',
  'passwordHash',
  'newPassword',
  'oldPassword',
  'credentials',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'Authorization',
  'cookie',
  'passphrase',
  'privateKey',
];

/**
 * Objects in which a secret field may sit: the logged object itself, a source's `bind` settings, an
 * account, TLS settings, HTTP headers (cloud APIs), and an error carrying its request (`err.config`).
 * Explicit paths rather than wildcards: pino's redaction with `*` costs about ten times a whole log
 * line, and every LDAP operation writes one.
 */
const SECRET_CONTAINERS: readonly string[] = [
  '',
  'bind.',
  'config.',
  'settings.',
  'source.',
  'account.',
  'auth.',
  'tls.',
  'headers.',
  'options.',
  'req.headers.',
  'err.',
  'err.config.',
  'err.config.headers.',
];

export const REDACTED_PATHS: readonly string[] = SECRET_CONTAINERS.flatMap((container) =>
  SECRET_FIELDS.map((field) => `${container}${field}`),
);

export const REDACTED = '[redacted]';

export interface LoggerOptions {
  /** Where lines go; default stderr, pretty when it is a terminal. */
  readonly destination?: DestinationStream;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  return pino(
    { level, base: { name: 'dirbridge' }, redact: { paths: [...REDACTED_PATHS], censor: REDACTED } },
    options.destination ?? stderrDestination(),
  );
}

/**
 * JSON for machines (journald, a log shipper) and colours for a person at a terminal. Synchronous
 * writes in both cases, so the last lines before an exit are not lost; for machines, the lines of
 * a few milliseconds go in one write (src/observability/batched-destination.ts).
 */
function stderrDestination(): DestinationStream {
  if (!process.stderr.isTTY) {
    return new BatchedDestination(pino.destination({ fd: 2, sync: true }));
  }
  return pretty({
    destination: 2,
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
}

/** A logger that drops everything, for tests and tools that run quietly. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
