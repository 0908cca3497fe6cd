/**
 * What attributes a backend's schema allows on its people, so `dirbridge fields` can list fields no
 * sampled entry happens to hold. The classes come from the source's filters (objectClassesOf); their
 * attributes from the subschema entry: each class, its superclasses, and its auxiliary classes.
 *
 * Active Directory (and Samba) lists no auxiliary classes in `objectClasses`: they are in
 * `dITContentRules` (`( 1.2.840.113556.1.5.9 NAME 'user' AUX ( securityPrincipal $ mailRecipient ...`),
 * and without them a user has no `sAMAccountName`. So both are read.
 */
import type { Client } from 'ldapts';
import type { Filter } from '../../filter/ast.js';
import { entryValues } from './ldap-entry.js';
import { parseObjectClassDescription, type ObjectClassDescription } from './object-class-description.js';

export { parseObjectClassDescription } from './object-class-description.js';
export type { ObjectClassDescription, ObjectClassKind } from './object-class-description.js';

export interface SchemaAttributes {
  readonly must: string[];
  readonly may: string[];
}

/**
 * The attributes of the named classes, their superclasses (SUP, followed by name or OID) and the
 * auxiliary classes their descriptions or DIT content rules list. Class and attribute names are
 * case-insensitive; the lists are de-duplicated and sorted, and an attribute one class requires is
 * not listed again as optional. Unknown classes and unparsable descriptions are skipped.
 */
export function schemaAttributes(
  descriptions: readonly string[],
  classes: readonly string[],
  contentRules: readonly string[] = [],
): SchemaAttributes {
  const objectClasses = index(descriptions);
  const rules = index(contentRules);
  const must = new AttributeSet();
  const may = new AttributeSet();
  for (const name of classes) {
    const closure = descriptionsOf(name, objectClasses, rules);
    // A content rule's NOT applies to entries of its own class only, not to the other classes asked for.
    const precluded = new AttributeSet();
    for (const description of closure) {
      must.add(description.must);
      precluded.add(description.precluded);
    }
    for (const description of closure) {
      may.add(description.may.filter((attribute) => !precluded.has(attribute)));
    }
  }
  return { must: must.sorted(), may: may.sorted().filter((attribute) => !must.has(attribute)) };
}

/**
 * A class's description, its superclasses' and auxiliary classes', and the content rules of each:
 * superclasses' rules count too, as AD hands a class its superclasses' auxiliary classes (Samba has
 * no rule for inetOrgPerson, a subclass of user).
 */
function descriptionsOf(
  name: string,
  objectClasses: ReadonlyMap<string, ObjectClassDescription>,
  rules: ReadonlyMap<string, ObjectClassDescription>,
): ObjectClassDescription[] {
  const found = new Set<ObjectClassDescription>();
  const pending = [name];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const objectClass = objectClasses.get(next.toLowerCase());
    if (objectClass === undefined || found.has(objectClass)) continue; // unknown, or met before: cycles end here
    found.add(objectClass);
    const rule = ruleFor(objectClass, rules);
    if (rule !== undefined) found.add(rule);
    pending.push(...objectClass.superiors, ...objectClass.auxiliaries, ...(rule?.auxiliaries ?? []));
  }
  return [...found];
}

/**
 * The schema attributes of the named classes as the server publishes them: `subschemaSubentry` from
 * the root DSE, then that entry's `objectClasses` and `dITContentRules`. Undefined when the server
 * publishes no schema (or hides it from this account); errors propagate as they are.
 */
export async function readSchemaAttributes(
  client: Client,
  classes: readonly string[],
): Promise<SchemaAttributes | undefined> {
  const rootDse = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['subschemaSubentry'],
  });
  const subschema = entryValues(rootDse.searchEntries[0], 'subschemaSubentry')[0];
  if (subschema === undefined || subschema === '') return undefined;
  const { searchEntries } = await client.search(subschema, {
    scope: 'base',
    filter: '(objectClass=subschema)', // RFC 4512 5.1: how a subschema entry is read
    attributes: ['objectClasses', 'dITContentRules'],
  });
  const objectClasses = entryValues(searchEntries[0], 'objectClasses');
  if (objectClasses.length === 0) return undefined;
  return schemaAttributes(objectClasses, classes, entryValues(searchEntries[0], 'dITContentRules'));
}

/**
 * The object classes a filter names in equality conditions (`(objectClass=user)`), in order, each once
 * (case-insensitively). Conditions under a NOT name classes the entries do not have, so they are left out.
 */
export function objectClassesOf(filter: Filter): string[] {
  const found = new AttributeSet();
  // Iterative: a filter of any depth is walked without recursion.
  const pending: Filter[] = [filter];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (item.type === 'and' || item.type === 'or') pending.push(...[...item.filters].reverse());
    else if (item.type === 'equality' && item.attribute.toLowerCase() === 'objectclass')
      found.add([item.value]);
  }
  return found.values();
}

/** Descriptions by lower-cased OID and names; the first of two with one name wins. */
function index(descriptions: readonly string[]): Map<string, ObjectClassDescription> {
  const byName = new Map<string, ObjectClassDescription>();
  for (const text of descriptions) {
    const description = parseObjectClassDescription(text);
    if (description === undefined) continue;
    for (const key of [description.oid, ...description.names]) {
      if (!byName.has(key.toLowerCase())) byName.set(key.toLowerCase(), description);
    }
  }
  return byName;
}

/** The DIT content rule of a class: it carries the class's OID (RFC 4512 4.1.6), or, failing that, a name. */
function ruleFor(
  objectClass: ObjectClassDescription,
  rules: ReadonlyMap<string, ObjectClassDescription>,
): ObjectClassDescription | undefined {
  for (const key of [objectClass.oid, ...objectClass.names]) {
    const rule = rules.get(key.toLowerCase());
    if (rule !== undefined) return rule;
  }
  return undefined;
}

/** Names kept once each, case-insensitively, in the spelling first met. */
class AttributeSet {
  readonly #names = new Map<string, string>();

  add(names: readonly string[]): void {
    for (const name of names)
      if (!this.#names.has(name.toLowerCase())) this.#names.set(name.toLowerCase(), name);
  }

  has(name: string): boolean {
    return this.#names.has(name.toLowerCase());
  }

  values(): string[] {
    return [...this.#names.values()];
  }

  sorted(): string[] {
    return [...this.#names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name);
  }
}
