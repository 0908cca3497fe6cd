/** The ews source's settings, read from its config once checked and defaulted against its schema. */
import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../../config/types.js';
import { SourceError } from '../source.js';
import { BearerTokenFile } from './bearer-token-file.js';

/** How dirbridge signs in to EWS; the secrets stay in here and are never logged. */
export type EwsCredential =
  | { readonly kind: 'ntlm' | 'basic'; readonly username: string; readonly password: string }
  | {
      readonly kind: 'bearer';
      /** The token given, or the one `tokenFile` holds now, read again as it changes. */
      readonly token: string | BearerTokenFile;
    };

export interface EwsSourceSettings {
  readonly name: string;
  /** `https://host/EWS/Exchange.asmx`. */
  readonly url: string;
  readonly credential: EwsCredential;
  /** PEM text of extra CAs to trust, if set. */
  readonly ca?: string;
  /** Serve the address book (GAL) live by ResolveNames instead of mailbox contacts. */
  readonly addressBook: boolean;
  /** SMTP addresses read by impersonation; empty: the account's own mailbox. */
  readonly mailboxes: readonly string[];
  /** Public contact folders by their path below the public folder root (`Shared Contacts/Partners`). */
  readonly publicFolders: readonly string[];
  readonly changeIntervalMs: number;
  readonly timeoutMs: number;
}

interface EwsConfig extends SourceConfig {
  readonly url: string;
  readonly auth: 'ntlm' | 'basic' | 'bearer';
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly tls: { readonly ca?: string };
  readonly addressBook: boolean;
  readonly mailboxes: readonly string[];
  readonly publicFolders: readonly string[];
  readonly changeInterval: number;
  readonly timeout: number;
}

type Fail = (message: string, cause?: unknown) => never;

export function readEwsSettings(config: SourceConfig): EwsSourceSettings {
  const ews = config as EwsConfig;
  const fail: Fail = (message, cause) => {
    throw new SourceError(config.name, message, cause === undefined ? undefined : { cause });
  };
  if (ews.addressBook && ews.mode !== 'live')
    fail('addressBook is asked at each search (Exchange cannot list it for a copy): set mode: live');
  if (!ews.addressBook && ews.mode === 'live')
    fail('mailbox contacts are served from a copy (mode: replica); mode: live goes with addressBook: true');
  if (ews.addressBook && ews.mailboxes.length > 0)
    fail("mailboxes goes with mailbox contacts: the address book is the organisation's, not a mailbox's");
  if (ews.addressBook && ews.publicFolders.length > 0)
    fail('publicFolders goes with mailbox contacts, not with addressBook');
  const seen = new Set<string>();
  for (const mailbox of ews.mailboxes) {
    if (seen.has(mailbox.toLowerCase())) fail(`mailboxes: ${mailbox} is listed twice`);
    seen.add(mailbox.toLowerCase());
  }
  return {
    name: config.name,
    url: ews.url,
    credential: readCredential(ews, fail),
    ...(ews.tls.ca === undefined ? {} : { ca: readCa(ews.tls.ca, fail) }),
    addressBook: ews.addressBook,
    mailboxes: ews.mailboxes,
    publicFolders: publicFolderPaths(ews.publicFolders, fail),
    changeIntervalMs: ews.changeInterval * 1000,
    timeoutMs: ews.timeout * 1000,
  };
}

/** Which secrets go with which `auth` is checked here, so the message can name both. */
function readCredential(ews: EwsConfig, fail: Fail): EwsCredential {
  if (ews.auth === 'bearer') {
    if (ews.token !== undefined && ews.tokenFile !== undefined)
      fail('auth is bearer: set token or tokenFile, not both');
    if (ews.username !== undefined || ews.password !== undefined)
      fail('auth is bearer: username and password go with ntlm or basic, not with a token');
    if (ews.tokenFile !== undefined) return { kind: 'bearer', token: tokenFile(ews.tokenFile, fail) };
    if (ews.token === undefined) return fail('auth is bearer but token is not set');
    return { kind: 'bearer', token: ews.token };
  }
  if (ews.token !== undefined) fail(`auth is ${ews.auth}: token goes with bearer`);
  if (ews.tokenFile !== undefined) fail(`auth is ${ews.auth}: tokenFile goes with bearer`);
  if (ews.username === undefined || ews.password === undefined)
    return fail(`auth is ${ews.auth}: username and password are both required`);
  if (ews.auth === 'basic' && ews.url.startsWith('http://'))
    fail('auth basic over http:// would send the password in the clear: use https://');
  return { kind: ews.auth, username: ews.username, password: ews.password };
}

function tokenFile(path: string, fail: Fail): BearerTokenFile {
  try {
    return new BearerTokenFile(path);
  } catch (error) {
    return fail(`tokenFile: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** Paths with their slashes tidied (`/Shared Contacts/Partners/` is `Shared Contacts/Partners`), each once. */
function publicFolderPaths(paths: readonly string[], fail: Fail): string[] {
  const tidied = paths.map((path) =>
    path
      .split('/')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .join('/'),
  );
  const seen = new Set<string>();
  for (const [index, path] of tidied.entries()) {
    if (path === '') fail(`publicFolders: "${paths[index]!}" names no folder`);
    if (seen.has(path)) fail(`publicFolders: ${path} is listed twice`);
    seen.add(path);
  }
  return tidied;
}

function readCa(file: string, fail: Fail): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(
      `tls.ca: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}
