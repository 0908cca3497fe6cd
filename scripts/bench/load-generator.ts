/**
 * The bench's end of the load generator (scripts/bench/load.ts), which runs as its own process so
 * that its work is not counted as the server's: one JSON command per line out, one JSON reply back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Command } from './load.js';
import { REPO } from './dirbridge-server.js';

export class LoadGenerator {
  readonly #child: ChildProcess;
  readonly #lines: Interface;
  readonly #pending: ((line: string) => void)[] = [];

  constructor() {
    this.#child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/bench/load.ts')], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#lines = createInterface({ input: this.#child.stdout! });
    this.#lines.on('line', (line) => this.#pending.shift()?.(line));
    this.#child.once('exit', (code) => {
      if (this.#pending.length > 0) throw new Error(`the load generator exited with ${code}`);
    });
  }

  send<T>(command: Command): Promise<T> {
    return new Promise((resolve) => {
      this.#pending.push((line) => resolve(JSON.parse(line) as T));
      this.#child.stdin!.write(`${JSON.stringify(command)}\n`);
    });
  }

  end(): void {
    this.#child.stdin!.end();
  }
}
