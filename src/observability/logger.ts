/** The process logger: pino JSON on stderr, so stdout stays for what the CLI prints for people. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'dirbridge' } }, pino.destination(2));
}

/** A logger that drops everything, for tests and tools that run quietly. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
