/**
 * The names an AD domain answers to: its UPN suffixes (the domain's DNS name and the forest's extra
 * `uPNSuffixes`) and its NetBIOS name. Read from the root DSE and the partitions container with the
 * service account, which any domain user may read.
 */
import { MATCH_ALL } from '../../filter/ast.js';
import { equalityFilter, type EntryReader } from '../ldap/login-names.js';

export interface AdNaming {
  /** Lower-cased UPN suffixes: `example.test`, plus any the forest adds. */
  readonly upnSuffixes: readonly string[];
  /** Upper-cased NetBIOS domain name (`EXAMPLE`), if known. */
  readonly netbiosName?: string;
}

export async function discoverAdNaming(reader: EntryReader, signal: AbortSignal): Promise<AdNaming> {
  const [rootDse] = await reader.read(
    '',
    'base',
    MATCH_ALL,
    ['defaultNamingContext', 'configurationNamingContext'],
    signal,
  );
  const domainNc = first(rootDse?.attributes, 'defaultNamingContext');
  const configNc = first(rootDse?.attributes, 'configurationNamingContext');
  if (domainNc === undefined || configNc === undefined) {
    throw new Error('the root DSE names no defaultNamingContext / configurationNamingContext: not an AD DC?');
  }
  const partitions = `CN=Partitions,${configNc}`;
  const [container] = await reader.read(partitions, 'base', MATCH_ALL, ['uPNSuffixes'], signal);
  const [crossRef] = await reader.read(
    partitions,
    'one',
    { type: 'and', filters: [equalityFilter('objectClass', 'crossRef'), equalityFilter('nCName', domainNc)] },
    ['nETBIOSName', 'dnsRoot'],
    signal,
  );
  const suffixes = [
    ...values(crossRef?.attributes, 'dnsRoot'),
    ...values(container?.attributes, 'uPNSuffixes'),
  ].map((suffix) => suffix.toLowerCase());
  const netbiosName = first(crossRef?.attributes, 'nETBIOSName')?.toUpperCase();
  return { upnSuffixes: [...new Set(suffixes)], ...(netbiosName === undefined ? {} : { netbiosName }) };
}

function values(
  attributes: Readonly<Record<string, readonly string[]>> | undefined,
  name: string,
): readonly string[] {
  if (!attributes) return [];
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? [] : (attributes[key] ?? []);
}

function first(
  attributes: Readonly<Record<string, readonly string[]>> | undefined,
  name: string,
): string | undefined {
  return values(attributes, name)[0];
}
