/**
 * The files a replica keeps in `directory.dataDir`, named once for the server and for `dirbridge
 * sync`, which meet there: the snapshot, the round the deletion guard holds (written by the server
 * for the operator to read), and the operator's acceptance of it (written by `dirbridge sync
 * --accept-deletes`, taken and removed by the server).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReplicaFiles {
  readonly snapshot: string;
  readonly held: string;
  readonly acceptDeletes: string;
}

export function replicaFiles(dataDir: string, source: string): ReplicaFiles {
  return {
    snapshot: join(dataDir, `${source}.snapshot`),
    held: join(dataDir, `${source}.held.json`),
    acceptDeletes: join(dataDir, `${source}.accept-deletes.json`),
  };
}

/** What the server writes about a held round, and `dirbridge sync` shows. */
export interface HeldNotice {
  readonly source: string;
  readonly deletions: number;
  readonly entries: number;
  readonly limit: number;
  /** ISO 8601. */
  readonly since: string;
  readonly message: string;
}

/** What `dirbridge sync --accept-deletes` writes: the most deletions the operator agreed to. */
export interface AcceptNotice {
  readonly deletions: number;
  /** ISO 8601. */
  readonly at: string;
}

/** The held round the server wrote, or undefined when none is held. */
export async function readHeldNotice(file: string): Promise<HeldNotice | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const notice = parseJson(text) as Partial<HeldNotice> | undefined;
  if (typeof notice?.message !== 'string' || typeof notice.deletions !== 'number')
    throw new Error(
      `${file} is not what dirbridge writes; remove it, and the next held sync writes it again`,
    );
  return notice as HeldNotice;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
