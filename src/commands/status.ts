/**
 * `dirbridge status`: what a RUNNING server says about itself. Binds to it as a service account and
 * prints its cn=Monitor subtree (sources, listeners, connections) as tables. The password comes from
 * a file, from DIRBRIDGE_PASSWORD, or from a prompt that does not echo; never from the command line,
 * where other users of the machine could read it in the process list.
 */
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { Command } from 'commander';
import {
  Client,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  StrongAuthRequiredError,
  type Entry as LdapEntry,
} from 'ldapts';
import { CommandError, errorText, type Finish } from './command-error.js';
import { configOption, loadCommandConfig, type ConfigOptions } from './command-setup.js';
import { promptPassword } from './password-prompt.js';
import { formatStatus, monitorEntry, readMonitor, type MonitorEntry } from './status-report.js';

export const PASSWORD_VARIABLE = 'DIRBRIDGE_PASSWORD';

const MONITOR_BASE = 'cn=Monitor';
const TIMEOUT_MS = 10_000;

export interface StatusOptions extends ConfigOptions {
  readonly url?: string;
  readonly bindName: string;
  readonly passwordFile?: string;
  readonly ca?: string;
  readonly starttls?: boolean;
}

export function statusCommand(finish: Finish): Command {
  return new Command('status')
    .summary("show a running server's sources, listeners and connections (cn=Monitor)")
    .description(
      'Connects to a running dirbridge, binds as a service account and prints its cn=Monitor: each ' +
        'source with its state (loading, ready, stale, failed), entries, last load and last error; ' +
        'each listener with its open and accepted connections.',
    )
    .addOption(configOption())
    .option('-H, --url <url>', 'the server to ask (default: the first listener of --config)')
    .requiredOption('-D, --bind-name <name>', 'service account to bind as (access.accounts[].name)')
    .option(
      '-y, --password-file <file>',
      `read the password from this file (else $${PASSWORD_VARIABLE}, else a prompt)`,
    )
    .option('-Z, --starttls', 'protect an ldap:// connection with StartTLS before binding')
    .option('--ca <file>', "CA certificate(s) to trust for TLS (default: the system's)")
    .addHelpText('after', '\nExit status: 0 done, 1 the server could not be reached or read, 2 usage error.')
    .action(async (options: StatusOptions) => finish(await status(options)));
}

export async function status(options: StatusOptions, out: Writable = process.stdout): Promise<number> {
  const url = options.url ?? (await firstListener(options.config));
  const password = await readPassword(options);
  const entries = await readMonitorEntries(url, options, password);
  out.write(formatStatus(readMonitor(entries), url));
  return 0;
}

/** The config's first listener as a client reaches it: an any-address listener via loopback. */
async function firstListener(configFile: string): Promise<string> {
  const config = await loadCommandConfig(configFile);
  const url = config.listen[0]?.url;
  if (url === undefined) throw new CommandError(`${config.file}: listen: no listener to ask; give --url`);
  return url.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://[::1]');
}

async function readPassword(options: StatusOptions): Promise<string> {
  const password = options.passwordFile
    ? await passwordFromFile(options.passwordFile)
    : (process.env[PASSWORD_VARIABLE] ?? (await promptPassword(`Password for ${options.bindName}: `)));
  if (password === '') throw new CommandError('the password is empty');
  return password;
}

/** The file's content without the line break an editor or `echo` leaves at its end. */
async function passwordFromFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new CommandError(`cannot read the password file: ${errorText(error)}`, { cause: error });
  }
}

async function readMonitorEntries(
  url: string,
  options: StatusOptions,
  password: string,
): Promise<MonitorEntry[]> {
  const tls = await tlsOptions(options);
  // Bind names like `pbx` are not DNs: send them as they are.
  const client = new Client({
    url,
    timeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
    strictDN: false,
    // ldapts speaks TLS from the first byte whenever it is given TLS options: only for ldaps://.
    ...(url.startsWith('ldaps:') ? { tlsOptions: tls } : {}),
  });
  try {
    if (options.starttls === true) await client.startTLS(tls);
    await client.bind(options.bindName, password);
    const { searchEntries } = await client.search(MONITOR_BASE, { scope: 'sub', attributes: ['*', '+'] });
    return searchEntries.map(toMonitorEntry);
  } catch (error) {
    throw explain(error, url, options.bindName);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** TLS settings for ldaps:// and StartTLS: the system's CAs, or those of `--ca`. */
async function tlsOptions(options: StatusOptions): Promise<ConnectionOptions> {
  if (options.ca === undefined) return {};
  try {
    return { ca: await readFile(options.ca) };
  } catch (error) {
    throw new CommandError(`cannot read the CA file: ${errorText(error)}`, { cause: error });
  }
}

function toMonitorEntry(entry: LdapEntry): MonitorEntry {
  const { dn, ...values } = entry;
  return monitorEntry(dn, values);
}

/** An LDAP or network failure as the one line an operator acts on. */
function explain(error: unknown, url: string, bindName: string): CommandError {
  if (error instanceof InvalidCredentialsError) {
    return new CommandError(`${url}: bind as ${bindName} refused: wrong name or password (49)`);
  }
  if (error instanceof InsufficientAccessError) {
    return new CommandError(
      `${url}: ${bindName} may not read ${MONITOR_BASE} (50): bind as a service account`,
    );
  }
  if (error instanceof StrongAuthRequiredError) {
    return new CommandError(
      `${url}: the server takes passwords only over TLS (8): use --starttls or an ldaps:// URL (with --ca)`,
    );
  }
  if (error instanceof NoSuchObjectError) {
    return new CommandError(`${url}: the server has no ${MONITOR_BASE} (32): is it dirbridge?`);
  }
  return new CommandError(`${url}: ${errorText(error)}`, { cause: error });
}
