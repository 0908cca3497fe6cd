/**
 * Writes the per-operation log line (operation-log.ts) the way pino writes a line, without pino's
 * generic walk over the logged object: every LDAP operation writes one, and pino's walk (a lookup of
 * serializers and redaction stringifiers per key, a quoting check per key and per value) cost about
 * as much as the rest of a caller-ID lookup's own code (issue 16). The line is pino's to the byte in
 * structure: its level and time, the logger's bindings (`name`), the fields in order, `msg`, its end
 * of line, handed to the logger's own stream. A logger whose lines pino shapes further (a mixin, a
 * log formatter, a stream write hook, a stream that wants each line's metadata) is left to pino.
 *
 * No field written here is one of the secret field names pino redacts (logger.ts): the keys are
 * fixed below, and the values are the operation's target, never a password.
 */
import { pino, type Logger } from 'pino';
import { BatchedDestination } from './batched-destination.js';

const {
  chindingsSym,
  endSym,
  formattersSym,
  hooksSym,
  lsCacheSym,
  messageKeySym,
  mixinSym,
  needsMetadataGsym,
  nestedKeySym,
  streamSym,
  timeSym,
} = pino.symbols;

/** What a line is written to: the logger's stream. */
interface LineStream {
  write(line: string): unknown;
}

const INFO = 30;

/** One of pino's internal fields (`pino.symbols`), read as the type pino gives it. */
function internal(logger: Logger, symbol: symbol): unknown {
  return Reflect.get(logger, symbol);
}

/** Loggers already judged: a logger's shaping options never change after it is made. */
const plainness = new WeakMap<Logger, boolean>();

/** Whether pino would write `logger`'s lines as they are built here. */
export function writesPlainLines(logger: Logger): boolean {
  let plain = plainness.get(logger);
  if (plain === undefined) {
    const stream = internal(logger, streamSym) as LineStream | undefined;
    plain =
      typeof internal(logger, timeSym) === 'function' &&
      typeof internal(logger, chindingsSym) === 'string' &&
      typeof (internal(logger, lsCacheSym) as Record<number, unknown> | undefined)?.[INFO] === 'string' &&
      internal(logger, endSym) === '}\n' &&
      internal(logger, messageKeySym) === 'msg' &&
      internal(logger, mixinSym) === undefined &&
      !internal(logger, nestedKeySym) &&
      (internal(logger, formattersSym) as { log?: unknown } | undefined)?.log === undefined &&
      (internal(logger, hooksSym) as { streamWrite?: unknown } | undefined)?.streamWrite === undefined &&
      typeof stream?.write === 'function' &&
      Reflect.get(stream, needsMetadataGsym) !== true;
    plainness.set(logger, plain);
  }
  return plain;
}

/**
 * Writes an operation's info line whose fields are `fields` (a JSON object's members, each starting
 * with a comma, as `member` writes them) and whose message is `msg`. Only for a logger
 * writesPlainLines accepts; a BatchedDestination is told it is an operation line.
 */
export function writeInfoLine(logger: Logger, fields: string, msg: string): void {
  const time = internal(logger, timeSym) as () => string;
  const start = (internal(logger, lsCacheSym) as Record<number, string>)[INFO]!;
  const bindings = internal(logger, chindingsSym) as string;
  const line = `${start}${time.call(logger)}${bindings}${fields},"msg":${JSON.stringify(msg)}}\n`;
  const stream = internal(logger, streamSym) as LineStream;
  if (stream instanceof BatchedDestination) stream.writeOperationLine(line);
  else stream.write(line);
}

/** `,"key":value` for a string, a number (pino writes a non-finite one as null) or a string list. */
export function member(
  key: string,
  value: string | number | boolean | readonly string[] | undefined,
): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return `,"${key}":${Number.isFinite(value) ? value : 'null'}`;
  if (typeof value === 'boolean') return `,"${key}":${value}`;
  return `,"${key}":${JSON.stringify(value)}`;
}
