/**
 * What the sign-on tests share: an `ad` source over the run's Samba DC that delegates binds, and the
 * names a seeded user can bind to dirbridge with (UPN, NETBIOS\sam, the DN dirbridge presents for
 * the user, the DC's own DN), the presented DN found by searching through dirbridge.
 */
import type { SambaAdInfo, SambaAdUser } from '../../../scripts/test-backends/samba-ad.js';
import { DEMO_CSV, SUFFIX, type DirbridgeProcess } from './dirbridge-process.js';
import { ldapsearch } from './ldap-utils.js';
import { adSourceConfig } from './ad-source-config.js';

export const AD_MOUNT = `ou=ad,${SUFFIX}`;
export const DEMO_MOUNT = `ou=demo,${SUFFIX}`;
export const DEMO_SOURCE = { name: 'demo', type: 'file', path: DEMO_CSV };

/** The `ad` source, searching as the low-privilege service account, signing users on; no filter, so disabled users are presented too. */
export function adSignOnSource(
  ad: SambaAdInfo,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return adSourceConfig(ad, { signOn: true, ...overrides });
}

/** sAMAccountName -> presented DN, from a search of the ad mount through dirbridge bound as `as`. */
export async function presentedDns(
  server: DirbridgeProcess,
  as: { readonly dn: string; readonly password: string },
  users: readonly SambaAdUser[],
): Promise<Map<string, string>> {
  const filter = `(|${users.map((user) => `(sAMAccountName=${user.sAMAccountName})`).join('')})`;
  const result = await ldapsearch(server.url, filter, {
    base: AD_MOUNT,
    bind: as,
    attributes: ['sAMAccountName'],
  });
  if (result.code !== 0) throw new Error(`searching for presented DNs: ${result.code} ${result.stderr}`);
  const dns = new Map(result.entries.map((entry) => [entry.attributes.sAMAccountName?.[0] ?? '', entry.dn]));
  const missing = users.filter((user) => !dns.has(user.sAMAccountName));
  if (missing.length > 0)
    throw new Error(`no presented entry for ${missing.map((u) => u.sAMAccountName).join(', ')}`);
  return dns;
}

/** Every name a user can sign on with through dirbridge, labelled for failure messages. */
export function bindNames(
  ad: SambaAdInfo,
  user: SambaAdUser,
  presented: ReadonlyMap<string, string>,
): { readonly form: string; readonly name: string }[] {
  return [
    { form: 'UPN', name: user.userPrincipalName },
    { form: 'NETBIOS\\sam', name: `${ad.netbiosDomain}\\${user.sAMAccountName}` },
    { form: 'presented DN', name: presented.get(user.sAMAccountName)! },
    { form: 'backend DN', name: user.dn },
  ];
}
