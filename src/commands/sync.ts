/**
 * `dirbridge sync <source>`: what the deletion guard holds for a replica, and with
 * `--accept-deletes`, the operator's word that it is right. The command and the running server meet
 * in `directory.dataDir` (src/replica/deletion-approval.ts): the server writes the held round there,
 * this command writes its acceptance, the server takes it within a second, applies the round and
 * removes both files. Being able to write to the data folder is the permission to accept.
 */
import { access, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import {
  readHeldNotice,
  replicaFiles,
  type AcceptNotice,
  type HeldNotice,
} from '../replica/replica-files.js';
import { CommandError, errorText, EXIT, type Finish } from './command-error.js';
import {
  configOption,
  loadCommandConfig,
  selectSources,
  wholeNumber,
  type ConfigOptions,
} from './command-setup.js';

export interface SyncOptions extends ConfigOptions {
  readonly acceptDeletes?: boolean;
  /** Seconds to wait for the server to take the acceptance. */
  readonly wait: number;
}

const POLL_MS = 200;

export function syncCommand(finish: Finish): Command {
  return new Command('sync')
    .summary("show or accept a replica's sync that the deletion guard holds")
    .description(
      'A sync that would delete more than maxDeletes allows is held: the copy before it keeps serving. ' +
        'This shows what is held for <source>; with --accept-deletes it lets the held sync through ' +
        '(the running server applies it within a second). Needs directory.dataDir, where the server ' +
        'and this command meet.',
    )
    .argument('<source>', 'the source whose held sync to show or accept')
    .addOption(configOption())
    .option('--accept-deletes', 'let the held sync delete what it would delete')
    .option('--wait <seconds>', 'how long to wait for the server to apply it', wholeNumber, 30)
    .addHelpText(
      'after',
      '\nExit status: 0 done (or nothing held), 1 not applied or an error, 2 usage error.',
    )
    .action(async (source: string, options: SyncOptions) => finish(await sync(source, options)));
}

export async function sync(
  sourceName: string,
  options: SyncOptions,
  out: Writable = process.stdout,
): Promise<number> {
  const config = await loadCommandConfig(options.config);
  const { sourceConfig } = selectSources(config, sourceName)[0]!;
  const { dataDir } = config.directory;
  if (dataDir === undefined)
    throw new CommandError(
      `${config.file}: directory.dataDir is not set; held syncs are kept there (set it and restart dirbridge)`,
    );
  const files = replicaFiles(dataDir, sourceConfig.name);
  const held = await readHeld(files.held);
  if (!held) {
    out.write(`${sourceConfig.name}: no sync is held; nothing to accept.\n`);
    return EXIT.ok;
  }
  out.write(`${sourceConfig.name}: ${held.message} (held since ${held.since})\n`);
  if (!options.acceptDeletes) return EXIT.ok;
  const notice: AcceptNotice = { deletions: held.deletions, at: new Date().toISOString() };
  await writeFile(files.acceptDeletes, `${JSON.stringify(notice)}\n`, { mode: 0o600 });
  out.write(`Accepted ${held.deletions} deletions; waiting for the server to apply them...\n`);
  return waitForServer(files, held, options.wait * 1000, out);
}

/** Until both files are gone (applied), the held round changed (refused), or time is up. */
async function waitForServer(
  files: ReturnType<typeof replicaFiles>,
  accepted: HeldNotice,
  timeoutMs: number,
  out: Writable,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    const taken = !(await exists(files.acceptDeletes));
    const held = await readHeld(files.held);
    if (taken && !held) {
      out.write('Applied: the replica deleted them and serves the source as it is now.\n');
      return EXIT.ok;
    }
    if (taken && held && held.deletions > accepted.deletions) {
      out.write(
        `Not applied: the held sync now deletes ${held.deletions}; run this again if that is right too.\n`,
      );
      return EXIT.failed;
    }
  }
  out.write(
    `Not applied yet: the acceptance waits in ${files.acceptDeletes}; a running dirbridge with this config ` +
      'takes it within a second (is it running?), else it is applied when the sync is held again after a start.\n',
  );
  return EXIT.failed;
}

async function readHeld(file: string): Promise<HeldNotice | undefined> {
  try {
    return await readHeldNotice(file);
  } catch (error) {
    throw new CommandError(errorText(error));
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
