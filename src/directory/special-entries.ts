/**
 * Entries the directory serves itself: the root DSE, the subschema entry (generated from the presented
 * schema), the suffix entry and one entry per mount.
 */
import { makeEntry, type Entry } from '../schema/entry.js';
import type { Namespace } from './namespace.js';
import { MONITOR_DN, SUBSCHEMA_DN } from './namespace.js';
import type { AttributeTypeDefinition, ObjectClassDefinition, Schema } from '../schema/schema.js';

export interface ServerFeatures {
  readonly supportedControls: readonly string[];
  readonly supportedExtensions: readonly string[];
  readonly supportedFeatures: readonly string[];
  readonly vendorName: string;
  readonly vendorVersion: string;
}

export function rootDseEntry(namespace: Namespace, features: ServerFeatures): Entry {
  return makeEntry('', [
    { name: 'objectClass', values: ['top', 'extensibleObject'] },
    // The monitor is announced as OpenLDAP does, not among the naming contexts: a PBX that takes the
    // first naming context as its base must keep getting the suffix.
    { name: 'namingContexts', values: [namespace.suffix] },
    { name: 'monitorContext', values: [MONITOR_DN] },
    { name: 'subschemaSubentry', values: [SUBSCHEMA_DN] },
    { name: 'supportedLDAPVersion', values: ['3'] },
    { name: 'supportedControl', values: features.supportedControls },
    { name: 'supportedExtension', values: features.supportedExtensions },
    { name: 'supportedFeatures', values: features.supportedFeatures },
    { name: 'supportedSASLMechanisms', values: [] },
    { name: 'vendorName', values: [features.vendorName] },
    { name: 'vendorVersion', values: [features.vendorVersion] },
  ]);
}

export function suffixEntry(namespace: Namespace): Entry {
  const [first] = namespace.suffixRdn;
  const type = first?.type.toLowerCase();
  const objectClass = type === 'dc' ? 'domain' : type === 'ou' ? 'organizationalUnit' : 'extensibleObject';
  return makeEntry(namespace.suffix, [
    { name: 'objectClass', values: ['top', objectClass] },
    ...(first ? [{ name: first.type, values: [first.value] }] : []),
  ]);
}

export function mountEntry(namespace: Namespace, mount: string, description: string): Entry {
  return makeEntry(namespace.mountDn(mount), [
    { name: 'objectClass', values: ['top', 'organizationalUnit'] },
    { name: 'ou', values: [mount] },
    { name: 'description', values: [description] },
  ]);
}

export function subschemaEntry(schema: Schema): Entry {
  return makeEntry(SUBSCHEMA_DN, [
    { name: 'objectClass', values: ['top', 'subentry', 'subschema', 'extensibleObject'] },
    { name: 'cn', values: ['Subschema'] },
    { name: 'attributeTypes', values: schema.attributeTypes().map(attributeTypeDescription) },
    { name: 'objectClasses', values: schema.objectClasses().map(objectClassDescription) },
  ]);
}

/** RFC 4512 4.1.2 AttributeTypeDescription. */
export function attributeTypeDescription(def: AttributeTypeDefinition): string {
  const parts = [`( ${def.oid}`, `NAME ${qdescrs(def.names)}`];
  if (def.description) parts.push(`DESC '${qdstring(def.description)}'`);
  if (def.equality) parts.push(`EQUALITY ${def.equality}`);
  if (def.ordering) parts.push(`ORDERING ${def.ordering}`);
  if (def.substr) parts.push(`SUBSTR ${def.substr}`);
  parts.push(`SYNTAX ${def.syntax}`);
  if (def.singleValue) parts.push('SINGLE-VALUE');
  if (def.noUserModification) parts.push('NO-USER-MODIFICATION');
  if (def.usage && def.usage !== 'userApplications') parts.push(`USAGE ${def.usage}`);
  return `${parts.join(' ')} )`;
}

/** RFC 4512 4.1.1 ObjectClassDescription. */
export function objectClassDescription(def: ObjectClassDefinition): string {
  const parts = [`( ${def.oid}`, `NAME ${qdescrs(def.names)}`];
  if (def.description) parts.push(`DESC '${qdstring(def.description)}'`);
  if (def.sup) parts.push(`SUP ${def.sup}`);
  parts.push(def.kind);
  if (def.must.length > 0) parts.push(`MUST ${oids(def.must)}`);
  if (def.may.length > 0) parts.push(`MAY ${oids(def.may)}`);
  return `${parts.join(' ')} )`;
}

function qdescrs(names: readonly string[]): string {
  return names.length === 1 ? `'${names[0]!}'` : `( ${names.map((n) => `'${n}'`).join(' ')} )`;
}

function oids(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `( ${names.join(' $ ')} )`;
}

/** RFC 4512 qdstring escapes: `'` as \27 and `\` as \5C. */
function qdstring(text: string): string {
  return text.replace(/\\/g, '\\5C').replace(/'/g, '\\27');
}
