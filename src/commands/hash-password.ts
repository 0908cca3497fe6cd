/**
 * `dirbridge hash-password`: reads a password on standard input and prints its scrypt hash for
 * `access.accounts[].passwordHash`. At a terminal it asks twice without echoing; from a pipe it
 * reads everything (`printf %s "$PASSWORD" | dirbridge hash-password`), one trailing newline
 * dropped. The password is never taken from the command line, where `ps` and shell history see it.
 */
import { parseArgs } from 'node:util';
import { hashPassword } from '../auth/password-hash.js';
import { CommandError } from './command-error.js';
import { readHidden, type PasswordInput } from './password-prompt.js';

export const HASH_PASSWORD_USAGE = `Usage: dirbridge hash-password

Reads a password on standard input and prints its hash for access.accounts[].passwordHash.
At a terminal it asks for the password twice and does not echo it; from a pipe it reads all
of standard input, without its trailing newline:

  printf %s "$PASSWORD" | dirbridge hash-password

Options:
  -h, --help   show this help`;

export interface HashPasswordIo {
  readonly input: PasswordInput;
  /** Where prompts go (standard error, so that standard output holds only the hash). */
  readonly prompt: NodeJS.WritableStream;
  readonly output: NodeJS.WritableStream;
}

const PROCESS_IO: HashPasswordIo = { input: process.stdin, prompt: process.stderr, output: process.stdout };

export class PasswordInputError extends Error {
  override name = 'PasswordInputError';
}

export async function hashPasswordCommand(
  argv: readonly string[],
  io: HashPasswordIo = PROCESS_IO,
): Promise<number> {
  let help: boolean | undefined;
  try {
    ({ help } = parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h' } } }).values);
  } catch (error) {
    io.prompt.write(
      `dirbridge hash-password: ${error instanceof Error ? error.message : String(error)}\n\n${HASH_PASSWORD_USAGE}\n`,
    );
    return 2;
  }
  if (help) {
    io.output.write(`${HASH_PASSWORD_USAGE}\n`);
    return 0;
  }
  try {
    const password = await readPassword(io);
    if (password.length === 0) throw new PasswordInputError('the password is empty');
    io.output.write(`${await hashPassword(Buffer.from(password, 'utf8'))}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof PasswordInputError || error instanceof CommandError)) throw error;
    io.prompt.write(`dirbridge hash-password: ${error.message}\n`);
    return 1;
  }
}

async function readPassword(io: HashPasswordIo): Promise<string> {
  if (!io.input.isTTY || !io.input.setRawMode) return readPiped(io.input);
  const [first, second] = await readHidden(io.input, io.prompt, ['Password: ', 'Repeat password: ']);
  if (first !== second) throw new PasswordInputError('the passwords do not match');
  return first ?? '';
}

/** Everything on a pipe, without one trailing newline (what `echo` adds). */
async function readPiped(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
