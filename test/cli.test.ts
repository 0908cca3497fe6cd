import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scryptMemory } from '../src/access/password-hash-format.js';
import { DEFAULT_COST } from '../src/auth/password-hash.js';
import { LISTENER_YOUNG_GENERATION_MB } from '../src/threads/listener-threads.js';

const repo = new URL('../', import.meta.url);
const shebang = readFileSync(new URL('src/cli.ts', repo), 'utf8').split('\n', 1)[0]!;
const start = (
  JSON.parse(readFileSync(new URL('package.json', repo), 'utf8')) as { scripts: { start: string } }
).scripts.start;

/** `NAME=value` words and `--flags` before the script, in order. */
function launch(words: readonly string[]): { env: string[]; flags: string[] } {
  const node = words.indexOf('node');
  return {
    env: words.slice(0, node).filter((word) => /^[A-Z_][A-Z0-9_]*=/.test(word)),
    flags: words.slice(node + 1).filter((word) => word.startsWith('--')),
  };
}

describe('how dirbridge starts', () => {
  it("the dirbridge command runs node through env -S, telling glibc to map a scrypt's block apart", () => {
    expect(shebang.startsWith('#!/usr/bin/env -S ')).toBe(true);
    const env = new Map(launch(shebang.split(/\s+/)).env.map((word) => word.split('=') as [string, string]));
    const mapped = Number(env.get('MALLOC_MMAP_THRESHOLD_'));
    // Fixed (glibc then stops raising it), and below what a bind's scrypt takes, which is mapped.
    expect(mapped).toBeGreaterThanOrEqual(128 * 1024);
    expect(mapped).toBeLessThan(scryptMemory(DEFAULT_COST.N, DEFAULT_COST.r));
    expect(Number(env.get('MALLOC_TRIM_THRESHOLD_'))).toBeGreaterThan(mapped);
  });

  it('the command’s first line fits what every Linux reads of it', () => {
    // Kernels before 5.1 read 127 bytes of a `#!` line and cut the rest (a flag or a value lost).
    expect(Buffer.byteLength(shebang)).toBeLessThanOrEqual(127);
  });

  it('npm start sets the same environment and Node flags as the command', () => {
    const words = start.slice(0, start.indexOf('dist/cli.js')).trim().split(/\s+/);
    expect(launch(words)).toEqual(launch(shebang.split(/\s+/)));
    expect(launch(words).flags).toContain('--max-semi-space-size=8');
  });

  it('a listener thread asks for the young generation the command gives the main thread', () => {
    // Three semi-spaces' worth (V8 sizes a worker's semi-space as a third of its young generation).
    const flag = launch(shebang.split(/\s+/)).flags.find((word) => word.startsWith('--max-semi-space-size='));
    expect(LISTENER_YOUNG_GENERATION_MB).toBe(3 * Number(flag?.split('=')[1]));
  });
});
