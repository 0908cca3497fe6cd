/**
 * Reads passwords on a terminal without echoing them: raw mode, Backspace edits, Ctrl-C (or Ctrl-D
 * on an empty line) gives up. Several prompts are read in one raw session, so a pasted
 * "pw<Enter>pw<Enter>" arrives whole, and characters split across chunks are decoded correctly.
 */
import { StringDecoder } from 'node:string_decoder';
import { CommandError } from './command-error.js';

/** The terminal side of standard input, as far as reading a password needs it. */
export interface PasswordInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\x7f', '\b']);
const CTRL_C = '\x03';
const CTRL_D = '\x04';

/** One hidden line per prompt; rejects with CommandError('cancelled') when the user gives up. */
export function readHidden(
  input: PasswordInput,
  output: NodeJS.WritableStream,
  prompts: readonly string[],
): Promise<string[]> {
  if (!input.isTTY || !input.setRawMode) {
    return Promise.reject(new CommandError('not a terminal: the password cannot be asked for'));
  }
  const setRawMode = input.setRawMode.bind(input);
  const lines: string[] = [];
  /** The line being typed, by code point, so Backspace removes a whole character. */
  let line: string[] = [];
  const decoder = new StringDecoder('utf8');
  output.write(prompts[0] ?? '');
  setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    const finish = (error?: CommandError): void => {
      input.removeListener('data', onData);
      setRawMode(false);
      input.pause();
      if (error) {
        output.write('\n');
        reject(error);
      } else resolve(lines);
    };
    const enter = (): boolean => {
      lines.push(line.join(''));
      line = [];
      output.write(`\n${prompts[lines.length] ?? ''}`);
      return lines.length === prompts.length;
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of typeof chunk === 'string' ? chunk : decoder.write(chunk)) {
        if (ENTER.has(char)) {
          if (enter()) return finish();
        } else if (char === CTRL_C || (char === CTRL_D && line.length === 0)) {
          return finish(new CommandError('cancelled'));
        } else if (BACKSPACE.has(char)) line.pop();
        else if (char >= ' ') line.push(char);
      }
    };
    input.on('data', onData);
  });
}

/**
 * Asks for one password on the terminal. Only on a terminal: a password never comes from a pipe by
 * accident (scripts use `--password-file` or `DIRBRIDGE_PASSWORD`).
 */
export async function promptPassword(
  question: string,
  input: PasswordInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (!input.isTTY) {
    throw new CommandError('no password: give --password-file, set DIRBRIDGE_PASSWORD, or run on a terminal');
  }
  const [password = ''] = await readHidden(input, output, [question]);
  return password;
}
