/**
 * The LDAP schema the directory presents (schemas/directory-schema.json): attribute lookup by any
 * name or OID in any letter case, the matching each attribute uses, and the RFC 4512 descriptions
 * from which the subschema entry is built.
 */
import { readFileSync } from 'node:fs';

/** How values of an attribute are compared (chosen by its equality matching rule). */
export type MatchingKind = 'text' | 'telephone' | 'dn' | 'octet' | 'integer' | 'boolean';

export type AttributeUsage =
  'userApplications' | 'directoryOperation' | 'distributedOperation' | 'dSAOperation';

export interface AttributeTypeDefinition {
  readonly oid: string;
  readonly names: readonly string[];
  readonly description?: string;
  readonly syntax: string;
  readonly equality?: string;
  readonly substr?: string;
  readonly ordering?: string;
  readonly singleValue?: boolean;
  readonly usage?: AttributeUsage;
  readonly noUserModification?: boolean;
  /**
   * dirbridge's own mark, not RFC 4512's: a Directory String that names an account (a login), so it
   * is compared as RFC 4517 compares it, without accent folding (see AttributeType.identifier).
   */
  readonly identifier?: boolean;
}

export interface ObjectClassDefinition {
  readonly oid: string;
  readonly names: readonly string[];
  readonly description?: string;
  readonly sup?: string;
  readonly kind: 'ABSTRACT' | 'STRUCTURAL' | 'AUXILIARY';
  readonly must: readonly string[];
  readonly may: readonly string[];
}

export interface SchemaDefinition {
  readonly attributeTypes: readonly AttributeTypeDefinition[];
  readonly objectClasses: readonly ObjectClassDefinition[];
}

export interface AttributeType {
  /** The first name in the schema: what the directory returns whatever case the client asked in. */
  readonly name: string;
  readonly oid: string;
  readonly matching: MatchingKind;
  readonly operational: boolean;
  readonly singleValue: boolean;
  /**
   * Whether values name mailboxes or accounts (`mail`, `userPrincipalName`, `sAMAccountName`, `uid`;
   * every caseIgnoreIA5Match attribute, and those the schema marks `identifier`): compared without
   * regard to case and insignificant space, but with their accents, as RFC 4517 and every backend
   * compare them: `jürgen@firma.de` and `jurgen@firma.de` are two mailboxes. Other text is matched
   * with accents folded (`muller` finds `Müller`).
   */
  readonly identifier: boolean;
  readonly definition: AttributeTypeDefinition;
}

const MATCHING_BY_EQUALITY_RULE: Readonly<Record<string, MatchingKind>> = {
  telephonenumbermatch: 'telephone',
  distinguishednamematch: 'dn',
  octetstringmatch: 'octet',
  integermatch: 'integer',
  booleanmatch: 'boolean',
};

/** Equality rules whose values are identifiers whatever the schema says: RFC 4517 4.2.13 folds case and space only. */
const IDENTIFIER_EQUALITY_RULES: ReadonlySet<string> = new Set(['caseignoreia5match']);

const DEFAULT_SCHEMA_PATH = new URL('../../schemas/directory-schema.json', import.meta.url);

export class Schema {
  readonly #byName = new Map<string, AttributeType>();

  constructor(readonly definition: SchemaDefinition) {
    for (const def of definition.attributeTypes) {
      const equality = (def.equality ?? '').toLowerCase();
      const matching = MATCHING_BY_EQUALITY_RULE[equality] ?? 'text';
      const type: AttributeType = {
        name: def.names[0] ?? def.oid,
        oid: def.oid,
        matching,
        operational: (def.usage ?? 'userApplications') !== 'userApplications',
        singleValue: def.singleValue ?? false,
        identifier:
          matching === 'text' && (def.identifier === true || IDENTIFIER_EQUALITY_RULES.has(equality)),
        definition: def,
      };
      for (const key of [...def.names, def.oid]) this.#byName.set(key.toLowerCase(), type);
    }
  }

  static load(path: URL | string = DEFAULT_SCHEMA_PATH): Schema {
    return new Schema(JSON.parse(readFileSync(path, 'utf8')) as SchemaDefinition);
  }

  /** The attribute type for a name or OID (with or without `;options`), in any letter case. */
  attribute(name: string): AttributeType | undefined {
    const semicolon = name.indexOf(';');
    const base = semicolon < 0 ? name : name.slice(0, semicolon);
    return this.#byName.get(base.toLowerCase());
  }

  /** The canonical name of an attribute, or the name as given when the schema does not know it. */
  canonicalName(name: string): string {
    return this.attribute(name)?.name ?? name;
  }

  attributeTypes(): readonly AttributeTypeDefinition[] {
    return this.definition.attributeTypes;
  }

  objectClasses(): readonly ObjectClassDefinition[] {
    return this.definition.objectClasses;
  }
}
