/** The generic LDAP source's settings, read from its config with the defaults the config schema documents. */
import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../../config/types.js';
import { SourceError } from '../source.js';

export interface LdapTlsSettings {
  /** PEM text of the CA certificates to trust (read from the `tls.ca` file), if set. */
  readonly ca?: string;
  readonly caFile?: string;
  readonly rejectUnauthorized: boolean;
}

export interface LdapSourceSettings {
  readonly name: string;
  /** Tried in order; failover to the next on connection errors. */
  readonly urls: readonly string[];
  readonly startTls: boolean;
  readonly tls: LdapTlsSettings;
  readonly bind?: { readonly name: string; readonly password: string };
  readonly bases: readonly string[];
  /** RFC 4515 filter ANDed into every search, if set. */
  readonly filter?: string;
  readonly usersFilter: string;
  readonly contactsFilter: string;
  readonly idAttribute: string;
  readonly pageSize: number;
  /** Milliseconds for connecting and for each operation. */
  readonly timeoutMs: number;
  readonly poolSize: number;
  /** Milliseconds after a failover before the first URL is tried again. */
  readonly healthIntervalMs: number;
  /** Native attributes that hold telephone numbers (widened as numbers when pushed down). */
  readonly phoneFields: readonly string[];
  /** ISO 3166 country national numbers are read in (the directory's `defaultCountry`). */
  readonly defaultCountry: string;
  /** Whether binds of this source's users are delegated to it (single sign-on). */
  readonly signOn: boolean;
  /** URLs over which sign-on passwords would travel in clear (allowed by `allowPlaintextSignOn`). */
  readonly plaintextSignOnUrls: readonly string[];
  /** Most connections open at once for checking users' passwords. */
  readonly bindPoolSize: number;
  /** Milliseconds between two full reloads of a replica. */
  readonly refreshIntervalMs: number;
}

export const DEFAULT_USERS_FILTER = '(|(objectClass=inetOrgPerson)(objectClass=user))';
export const DEFAULT_CONTACTS_FILTER = '(objectClass=contact)';
export const DEFAULT_PHONE_FIELDS: readonly string[] = [
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'facsimileTelephoneNumber',
  'homePhone',
  'otherTelephone',
  'pager',
];

/** Checked again here because a source may be built from a config that never went through the loader. */
export function ldapSourceSettings(config: SourceConfig, defaultCountry = 'DE'): LdapSourceSettings {
  const fail = (message: string): never => {
    throw new SourceError(config.name, message);
  };
  const urls = stringList(config.urls, 'urls', fail);
  for (const url of urls) {
    if (!/^ldaps?:\/\/[^/]+\/?$/i.test(url)) fail(`urls: '${url}' is not an ldap:// or ldaps:// URL`);
  }
  // The empty DN is a base too: Domino's naming context is the root.
  const bases = stringList(config.base, 'base', fail, true);
  const startTls = booleanSetting(config.startTls, 'startTls', false, fail);
  if (startTls && urls.some((url) => url.toLowerCase().startsWith('ldaps://'))) {
    fail('startTls is for ldap:// URLs; an ldaps:// URL is already encrypted');
  }
  const tlsConfig = isRecord(config.tls) ? config.tls : {};
  const caFile = optionalString(tlsConfig.ca, 'tls.ca', fail);
  const tls: LdapTlsSettings = {
    ...(caFile === undefined ? {} : { ca: readCa(caFile, fail), caFile }),
    rejectUnauthorized: booleanSetting(tlsConfig.rejectUnauthorized, 'tls.rejectUnauthorized', true, fail),
  };
  let bind: LdapSourceSettings['bind'];
  if (config.bind !== undefined) {
    if (!isRecord(config.bind)) return fail('bind must be a mapping with name and password');
    const name = optionalString(config.bind.name, 'bind.name', fail);
    const password = config.bind.password;
    if (name === undefined || typeof password !== 'string' || password === '') {
      return fail('bind needs a name and a non-empty password');
    }
    bind = { name, password };
  }
  const filter = optionalString(config.filter, 'filter', fail);
  const signOn = booleanSetting(config.signOn, 'signOn', false, fail);
  const plaintextSignOnUrls = signOn && !startTls ? urls.filter(isPlainLdap) : [];
  if (
    plaintextSignOnUrls.length > 0 &&
    !booleanSetting(config.allowPlaintextSignOn, 'allowPlaintextSignOn', false, fail)
  ) {
    fail(
      `signOn: users' passwords would be sent in clear to ${plaintextSignOnUrls.join(', ')}: ` +
        'use an ldaps:// URL or startTls: true, or set allowPlaintextSignOn: true if the path to the backend is protected otherwise',
    );
  }
  return {
    name: config.name,
    urls,
    startTls,
    tls,
    ...(bind === undefined ? {} : { bind }),
    bases,
    ...(filter === undefined ? {} : { filter: parenthesised(filter) }),
    usersFilter: parenthesised(
      optionalString(config.usersFilter, 'usersFilter', fail) ?? DEFAULT_USERS_FILTER,
    ),
    contactsFilter: parenthesised(
      optionalString(config.contactsFilter, 'contactsFilter', fail) ?? DEFAULT_CONTACTS_FILTER,
    ),
    idAttribute: optionalString(config.idAttribute, 'idAttribute', fail) ?? 'entryUUID',
    pageSize: positiveInteger(config.pageSize, 'pageSize', 500, fail),
    timeoutMs: positiveNumber(config.timeout, 'timeout', 10, fail) * 1000,
    poolSize: positiveInteger(config.poolSize, 'poolSize', 4, fail),
    healthIntervalMs: positiveNumber(config.healthInterval, 'healthInterval', 60, fail) * 1000,
    phoneFields:
      config.phoneFields === undefined
        ? DEFAULT_PHONE_FIELDS
        : stringList(config.phoneFields, 'phoneFields', fail),
    defaultCountry,
    signOn,
    plaintextSignOnUrls,
    bindPoolSize: positiveInteger(config.bindPoolSize, 'bindPoolSize', 4, fail),
    refreshIntervalMs: positiveNumber(config.refreshInterval, 'refreshInterval', 900, fail) * 1000,
  };
}

function isPlainLdap(url: string): boolean {
  return url.toLowerCase().startsWith('ldap://');
}

/** `objectClass=x` is accepted for `(objectClass=x)`, as ldapsearch does. */
function parenthesised(filter: string): string {
  const trimmed = filter.trim();
  return trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
}

function readCa(file: string, fail: (message: string) => never): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(`tls.ca: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function stringList(
  value: unknown,
  key: string,
  fail: (message: string) => never,
  emptyAllowed = false,
): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((item) => typeof item === 'string' && (emptyAllowed || item !== ''))
  ) {
    return fail(`${key} must be a non-empty string or a list of them`);
  }
  return list as string[];
}

function optionalString(value: unknown, key: string, fail: (message: string) => never): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  return fail(`${key} must be a non-empty string`);
}

function booleanSetting(
  value: unknown,
  key: string,
  fallback: boolean,
  fail: (message: string) => never,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  return fail(`${key} must be true or false`);
}

function positiveInteger(
  value: unknown,
  key: string,
  fallback: number,
  fail: (message: string) => never,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  return fail(`${key} must be a whole number above 0`);
}

function positiveNumber(
  value: unknown,
  key: string,
  fallback: number,
  fail: (message: string) => never,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value > 0) return value;
  return fail(`${key} must be a number above 0`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
