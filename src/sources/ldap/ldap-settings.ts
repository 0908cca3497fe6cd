/** The generic LDAP source's settings, read from its config once checked and defaulted against its schema. */
import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../../config/types.js';
import { SourceError, type SourceMode } from '../source.js';

export interface LdapTlsSettings {
  /** PEM text of the CA certificates to trust (read from the `tls.ca` file), if set. */
  readonly ca?: string;
  readonly caFile?: string;
  readonly rejectUnauthorized: boolean;
}

export interface LdapSourceSettings {
  readonly name: string;
  /** Whether searches go to the backend (live) or to a local copy: `check` warns about live at scale. */
  readonly mode: SourceMode;
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
  /** Milliseconds between two polls of a replica's change feed. */
  readonly changeIntervalMs: number;
  /** Milliseconds between two reconciliations of a replica (finding who was deleted). */
  readonly reconcileIntervalMs: number;
}

/** The ldap-family settings as their schema fragment (settings-schema.ts) guarantees them once defaulted. */
interface LdapConfig extends SourceConfig {
  readonly mode: SourceMode;
  readonly urls: string | readonly string[];
  readonly startTls: boolean;
  readonly tls: { readonly ca?: string; readonly rejectUnauthorized: boolean };
  readonly bind?: { readonly name: string; readonly password: string };
  readonly base: string | readonly string[];
  readonly filter?: string;
  readonly usersFilter: string;
  readonly contactsFilter: string;
  readonly idAttribute: string;
  readonly phoneFields: readonly string[];
  readonly pageSize: number;
  readonly timeout: number;
  readonly poolSize: number;
  readonly signOn: boolean;
  readonly allowPlaintextSignOn: boolean;
  readonly bindPoolSize: number;
  readonly healthInterval: number;
  readonly changeInterval: number;
  readonly reconcileInterval: number;
}

/**
 * The settings of a config already checked against LDAP_SETTINGS (or a type's version of it) and
 * defaulted (valid-settings.ts): what the schema cannot check is checked here.
 */
export function readLdapSettings(config: SourceConfig, defaultCountry: string): LdapSourceSettings {
  const fail = (message: string): never => {
    throw new SourceError(config.name, message);
  };
  const ldap = config as LdapConfig;
  const urls = listOf(ldap.urls);
  if (ldap.startTls && urls.some((url) => !isPlainLdap(url))) {
    fail('startTls is for ldap:// URLs; an ldaps:// URL is already encrypted');
  }
  const caFile = ldap.tls.ca;
  const plaintextSignOnUrls = ldap.signOn && !ldap.startTls ? urls.filter(isPlainLdap) : [];
  if (plaintextSignOnUrls.length > 0 && !ldap.allowPlaintextSignOn) {
    fail(
      `signOn: users' passwords would be sent in clear to ${plaintextSignOnUrls.join(', ')}: ` +
        'use an ldaps:// URL or startTls: true, or set allowPlaintextSignOn: true if the path to the backend is protected otherwise',
    );
  }
  return {
    name: config.name,
    mode: ldap.mode,
    urls,
    startTls: ldap.startTls,
    tls: {
      ...(caFile === undefined ? {} : { ca: readCa(caFile, fail), caFile }),
      rejectUnauthorized: ldap.tls.rejectUnauthorized,
    },
    ...(ldap.bind === undefined ? {} : { bind: { name: ldap.bind.name, password: ldap.bind.password } }),
    // The empty DN is a base too: Domino's naming context is the root.
    bases: listOf(ldap.base),
    ...(ldap.filter === undefined ? {} : { filter: parenthesised(ldap.filter) }),
    usersFilter: parenthesised(ldap.usersFilter),
    contactsFilter: parenthesised(ldap.contactsFilter),
    idAttribute: ldap.idAttribute,
    pageSize: ldap.pageSize,
    timeoutMs: ldap.timeout * 1000,
    poolSize: ldap.poolSize,
    healthIntervalMs: ldap.healthInterval * 1000,
    phoneFields: ldap.phoneFields,
    defaultCountry,
    signOn: ldap.signOn,
    plaintextSignOnUrls,
    bindPoolSize: ldap.bindPoolSize,
    changeIntervalMs: ldap.changeInterval * 1000,
    reconcileIntervalMs: ldap.reconcileInterval * 1000,
  };
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
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
