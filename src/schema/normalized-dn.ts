/**
 * The directory's normalised form of a DN, in which two DNs that name the same presented entry are
 * equal strings (`CN=Anna  Müller , DC=Example` and `cn=anna muller,dc=example`): the DN matching
 * rule of the presented schema. The RFC 4514 syntax it builds on is src/dn/distinguished-name.ts.
 */
import { formatDn, formatRdn, parseDn, type Ava, type Rdn } from '../dn/distinguished-name.js';
import type { Schema } from './schema.js';
import { foldText } from './text-fold.js';

/**
 * The normalised form of a DN: attribute types lower-cased (the schema's canonical name when a
 * schema is given, so `commonName` and `2.5.4.3` become `cn`), values folded like names (octet
 * values kept as they are), the AVAs of a multi-valued RDN sorted. Throws DnSyntaxError.
 */
export function normalizeDn(text: string, schema?: Schema): string {
  return formatDn(normalizeRdns(parseDn(text), schema));
}

export function normalizeRdns(rdns: readonly Rdn[], schema?: Schema): Rdn[] {
  return rdns.map((rdn) => {
    const avas = rdn.map((ava) => normalizeAva(ava, schema));
    if (avas.length < 2) return avas;
    const keyed = avas.map((ava) => ({ ava, key: formatRdn([ava]) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed.map(({ ava }) => ava);
  });
}

function normalizeAva(ava: Ava, schema: Schema | undefined): Ava {
  const attribute = schema?.attribute(ava.type);
  const type = (attribute?.name ?? ava.type).toLowerCase();
  if (ava.binary) return { type, value: ava.value.toLowerCase(), binary: true };
  return { type, value: attribute?.matching === 'octet' ? ava.value : foldText(ava.value) };
}
