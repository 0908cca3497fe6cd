/**
 * An OAuth access token kept in a file (`tokenFile`) that something else renews: Entra ID's tokens
 * last about an hour, and a token given once in the config left the source refused after that. The
 * file is looked at (its size and modification time) before each request to EWS and read again when
 * it changed; a file that cannot be read, or is empty mid-write, keeps the last token it held.
 */
import { readFileSync, statSync } from 'node:fs';

export class BearerTokenFile {
  #token: string;
  #version: string;

  /** Reads the token now; throws, naming the file, when it cannot be read or holds none. */
  constructor(readonly path: string) {
    this.#version = versionOf(path) ?? '';
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (text === '') throw new Error(`${path} is empty`);
    this.#token = text;
  }

  /** The token the file holds now (the last one it held, if it cannot be read). */
  current(): string {
    const version = versionOf(this.path);
    if (version !== undefined && version !== this.#version) {
      const token = tokenIn(this.path);
      if (token !== undefined) {
        this.#token = token;
        this.#version = version;
      }
    }
    return this.#token;
  }
}

function versionOf(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
}

/** The file's text without surrounding white space, or undefined when unreadable or empty. */
function tokenIn(path: string): string | undefined {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}
