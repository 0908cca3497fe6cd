/**
 * Secrets kept out of the config file: `${env:NAME}` anywhere in a string value is replaced by that
 * environment variable, and a value `file:<path>` by the contents of that file (its trailing newline
 * trimmed; a relative path is read from the config file's folder; `${env:…}` works inside the path,
 * as in `file:${env:CREDENTIALS_DIRECTORY}/ad-password`). Expanded before validation, so the values
 * checked are the real ones. A problem names the variable or the file, never a secret's value.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConfigPath, Problem } from './problem.js';

export interface SecretSources {
  readonly env: NodeJS.ProcessEnv;
  /** The config file's folder, for relative `file:` paths. */
  readonly folder: string;
}

export interface Expanded {
  readonly data: unknown;
  readonly problems: readonly Problem[];
}

const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const FILE_PREFIX = 'file:';
/** A secret is a password or a key: a bigger file is a mistake (or `/dev/zero`), not a secret. */
const MAX_SECRET_BYTES = 1024 * 1024;

export async function expandSecrets(data: unknown, sources: SecretSources): Promise<Expanded> {
  const problems: Problem[] = [];
  const expanded = await expandValue(data, [], sources, problems);
  return { data: expanded, problems };
}

async function expandValue(
  value: unknown,
  at: ConfigPath,
  sources: SecretSources,
  problems: Problem[],
): Promise<unknown> {
  if (typeof value === 'string') return expandString(value, at, sources, problems);
  if (Array.isArray(value)) {
    return Promise.all(value.map((item, index) => expandValue(item, [...at, index], sources, problems)));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(
        async ([key, item]) => [key, await expandValue(item, [...at, key], sources, problems)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

async function expandString(
  text: string,
  at: ConfigPath,
  sources: SecretSources,
  problems: Problem[],
): Promise<string> {
  const withEnv = expandEnv(text, sources.env, (name) =>
    problems.push({ at, message: `environment variable ${name} is not set` }),
  );
  // Only a value written as `file:…` is read, never one an environment variable turned into it.
  if (!text.startsWith(FILE_PREFIX) || withEnv === undefined) return withEnv ?? text;
  const path = resolve(sources.folder, withEnv.slice(FILE_PREFIX.length));
  try {
    return (await readSecretFile(path)).replace(/[\r\n]+$/, '');
  } catch (error) {
    problems.push({ at, message: `cannot read the secret file ${path}: ${reason(error)}` });
    return text;
  }
}

/** The text with every `${env:NAME}` replaced; undefined when a variable is missing (reported). */
function expandEnv(
  text: string,
  env: NodeJS.ProcessEnv,
  missing: (name: string) => void,
): string | undefined {
  const unset: string[] = [];
  const expanded = text.replace(ENV_REFERENCE, (reference, name: string) => {
    const value = env[name];
    if (value === undefined) unset.push(name);
    return value ?? reference;
  });
  unset.forEach(missing);
  return unset.length === 0 ? expanded : undefined;
}

async function readSecretFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_SECRET_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_SECRET_BYTES) throw new Error(`it is larger than ${MAX_SECRET_BYTES} bytes`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** Why a file could not be read, without echoing anything read from it. */
function reason(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
