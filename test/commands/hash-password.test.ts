import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parsePasswordHash } from '../../src/access/password-hash-format.js';
import { verifyPassword } from '../../src/auth/password-hash.js';
import { hashPasswordCommand, type HashPasswordIo } from '../../src/commands/hash-password.js';

/** Standard input as a pipe, or as a terminal that records raw mode; outputs collected as text. */
function io(options: { tty: boolean }) {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (mode: boolean) => void };
  const rawModes: boolean[] = [];
  if (options.tty) {
    input.isTTY = true;
    input.setRawMode = (mode) => rawModes.push(mode);
  }
  const prompt = new PassThrough();
  const output = new PassThrough();
  let prompted = '';
  let printed = '';
  prompt.on('data', (chunk: Buffer) => (prompted += chunk.toString()));
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const streams: HashPasswordIo = { input, prompt, output };
  return { streams, input, rawModes, prompted: () => prompted, printed: () => printed };
}

async function expectHashOf(printed: string, password: string): Promise<void> {
  expect(printed).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$\S+\$\S+\n$/);
  expect(await verifyPassword(Buffer.from(password), parsePasswordHash(printed.trim()))).toBe(true);
}

describe('dirbridge hash-password', () => {
  it('hashes what a pipe sends, without its trailing newline', async () => {
    const t = io({ tty: false });
    t.input.end('pa ss wörd\n');
    expect(await hashPasswordCommand([], t.streams)).toBe(0);
    await expectHashOf(t.printed(), 'pa ss wörd');
    expect(t.prompted()).toBe('');
  });

  it('asks twice at a terminal, in raw mode so nothing echoes, with Backspace', async () => {
    const t = io({ tty: true });
    const done = hashPasswordCommand([], t.streams);
    t.input.write('secx\x7fret\rsec');
    t.input.write('ret\r');
    expect(await done).toBe(0);
    await expectHashOf(t.printed(), 'secret');
    expect(t.prompted()).toBe('Password: \nRepeat password: \n');
    expect(t.rawModes).toEqual([true, false]);
  });

  it('refuses passwords that do not match, an empty password, and Ctrl-C', async () => {
    const mismatch = io({ tty: true });
    const first = hashPasswordCommand([], mismatch.streams);
    mismatch.input.write('one\rtwo\r');
    expect(await first).toBe(1);
    expect(mismatch.prompted()).toContain('the passwords do not match');
    expect(mismatch.printed()).toBe('');

    const empty = io({ tty: false });
    empty.input.end('\n');
    expect(await hashPasswordCommand([], empty.streams)).toBe(1);
    expect(empty.prompted()).toContain('the password is empty');

    const cancelled = io({ tty: true });
    const third = hashPasswordCommand([], cancelled.streams);
    cancelled.input.write('abc\x03');
    expect(await third).toBe(1);
    expect(cancelled.rawModes).toEqual([true, false]);
  });

  it('prints its help, and refuses options it does not know', async () => {
    const help = io({ tty: false });
    expect(await hashPasswordCommand(['--help'], help.streams)).toBe(0);
    expect(help.printed()).toContain('Usage: dirbridge hash-password');
    const unknown = io({ tty: false });
    expect(await hashPasswordCommand(['--password', 'x'], unknown.streams)).toBe(2);
    expect(unknown.prompted()).toContain("Unknown option '--password'");
  });
});
