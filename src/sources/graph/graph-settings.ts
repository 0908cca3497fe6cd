/** The graph source's settings, read from its config once checked and defaulted against its schema. */
import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../../config/types.js';
import { SourceError } from '../source.js';
import type { ClientCredential } from './app-tokens.js';
import { readCredential, type CredentialConfig } from './credential-settings.js';
import { ODataFilterError, parseODataFilter, type ODataFilter } from './odata-filter.js';
import { readRopcSettings, type RopcSettings } from './ropc-settings.js';

/** Graph's hosts: each cloud's token is asked for its own Graph, any other host's (a proxy's) for worldwide Graph. */
const GRAPH_CLOUDS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);
const WORLDWIDE_GRAPH = 'https://graph.microsoft.com';

export interface GraphSourceSettings {
  readonly name: string;
  readonly tenant: string;
  readonly clientId: string;
  /** `clientSecret` or `certificate` (credential-settings.ts). */
  readonly credential: ClientCredential;
  /** `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token` or the national cloud's. */
  readonly tokenUrl: string;
  /** `https://graph.microsoft.com/.default`, or a national cloud's Graph. */
  readonly scope: string;
  /** `https://graph.microsoft.com` (no trailing slash). */
  readonly graphUrl: string;
  /** PEM text of extra CAs to trust, if set. */
  readonly ca?: string;
  readonly users: boolean;
  readonly usersFilter?: { readonly text: string; readonly filter: ODataFilter };
  readonly orgContacts: boolean;
  /**
   * The mailboxes whose personal contacts are served, as configured (UPN or object id), and a
   * group (object id) whose users' mailboxes are served too.
   */
  readonly mailboxContacts?: { readonly mailboxes: readonly string[]; readonly group?: string };
  readonly changeIntervalMs: number;
  /** Milliseconds between two full enumerations applied as a difference (a safety net). */
  readonly reconcileIntervalMs: number;
  readonly timeoutMs: number;
  /** Checking users' passwords with ROPC (`signOn: ropc`); absent when off. */
  readonly signOn?: RopcSettings;
}

interface GraphConfig extends SourceConfig, CredentialConfig {
  readonly tenant: string;
  readonly clientId: string;
  readonly authorityUrl: string;
  readonly graphUrl: string;
  readonly tls: { readonly ca?: string };
  readonly users: boolean;
  readonly usersFilter?: string;
  readonly orgContacts: boolean;
  readonly mailboxContacts?: { readonly mailboxes?: readonly string[]; readonly group?: string };
  readonly changeInterval: number;
  readonly reconcileInterval: number;
  readonly timeout: number;
}

export function readGraphSettings(config: SourceConfig): GraphSourceSettings {
  const graph = config as GraphConfig;
  const fail = (message: string, cause?: unknown): never => {
    throw new SourceError(config.name, message, cause === undefined ? undefined : { cause });
  };
  if (!graph.users && !graph.orgContacts && graph.mailboxContacts === undefined)
    fail(
      'users and orgContacts are both false and mailboxContacts is not set: the source would serve nobody',
    );
  const graphUrl = withoutSlash(graph.graphUrl);
  return {
    name: config.name,
    tenant: graph.tenant,
    clientId: graph.clientId,
    credential: readCredential(graph, fail),
    tokenUrl: `${withoutSlash(graph.authorityUrl)}/${encodeURIComponent(graph.tenant)}/oauth2/v2.0/token`,
    scope: `${GRAPH_CLOUDS.has(new URL(graphUrl).hostname) ? graphUrl : WORLDWIDE_GRAPH}/.default`,
    graphUrl,
    ...(graph.tls.ca === undefined ? {} : { ca: readCa(graph.tls.ca, fail) }),
    users: graph.users,
    ...(graph.usersFilter === undefined ? {} : { usersFilter: usersFilter(graph.usersFilter, fail) }),
    orgContacts: graph.orgContacts,
    ...(graph.mailboxContacts === undefined
      ? {}
      : { mailboxContacts: mailboxContacts(graph.mailboxContacts, fail) }),
    changeIntervalMs: graph.changeInterval * 1000,
    reconcileIntervalMs: graph.reconcileInterval * 1000,
    timeoutMs: graph.timeout * 1000,
    ...readRopcSettings(config, fail),
  };
}

function usersFilter(
  text: string,
  fail: (message: string, cause?: unknown) => never,
): GraphSourceSettings['usersFilter'] {
  try {
    return { text, filter: parseODataFilter(text) };
  } catch (error) {
    if (error instanceof ODataFilterError) return fail(`usersFilter: ${error.message}`, error);
    throw error;
  }
}

/** The listed mailboxes and the group: at least one of them. */
function mailboxContacts(
  setting: NonNullable<GraphConfig['mailboxContacts']>,
  fail: (message: string, cause?: unknown) => never,
): NonNullable<GraphSourceSettings['mailboxContacts']> {
  const { group } = setting;
  if (setting.mailboxes === undefined && group === undefined)
    fail("mailboxContacts: set `mailboxes` (a list of mailboxes), `group` (a group's object id) or both");
  return { mailboxes: mailboxes(setting.mailboxes ?? [], fail), ...(group === undefined ? {} : { group }) };
}

/** The mailboxes, each once: Graph reads `Alice@contoso.com` and `alice@contoso.com` as one. */
function mailboxes(
  names: readonly string[],
  fail: (message: string, cause?: unknown) => never,
): readonly string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name.toLowerCase())) fail(`mailboxContacts.mailboxes: ${name} is listed twice`);
    seen.add(name.toLowerCase());
  }
  return names;
}

function withoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function readCa(file: string, fail: (message: string, cause?: unknown) => never): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(
      `tls.ca: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}
