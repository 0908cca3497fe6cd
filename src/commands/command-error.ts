/**
 * The two ways a command fails that are the operator's to fix: a `CommandError` (exit 1: something in
 * the config, a source or a server is wrong) and a `UsageError` (exit 2: the command line is wrong).
 * Both print one line; anything else thrown is a bug and prints its stack.
 */
export class CommandError extends Error {
  override name = 'CommandError';
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, bug: 70 } as const;

/** The message of anything thrown, for a one-line report. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How a command's action hands its exit code back to `main`. */
export type Finish = (code: number) => void;
