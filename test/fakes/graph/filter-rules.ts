/**
 * What `$filter` each resource accepts, and which clauses only work as an "advanced query"
 * (`ConsistencyLevel: eventual` plus `$count=true`, aad-advanced-queries). The tables approximate
 * the per-property notes of Graph's user and orgContact pages: `eq`, `in` and `startswith` on the
 * name, mail and phone properties work plainly; `ne`, `not`, `endswith`, `eq null` and the
 * properties the docs mark advanced-only (companyName, officeLocation, onPremisesExtensionAttributes)
 * need the advanced form. Anything else is refused with Graph's wording.
 *
 * Checking also rewrites property names into the resource's own spelling, so evaluation is a plain
 * property read.
 */
import { unsupportedQuery } from './graph-errors.js';
import { FilterSyntaxError, parseFilter, type FilterNode } from './odata-filter.js';

/** A clause kind as the rules name it. */
export type ClauseOperator = 'eq' | 'ne' | 'range' | 'in' | 'startswith' | 'endswith' | 'eqNull';

export interface PropertyRule {
  readonly plain: readonly ClauseOperator[];
  readonly advanced?: readonly ClauseOperator[];
  /** For collections: the rules of their elements (or of a member path, `emailAddresses/address`). */
  readonly elements?: Readonly<Record<string, PropertyRule>>;
}

export interface FilterRules {
  /** The resource name Graph quotes in its refusal ('User'). */
  readonly resource: string;
  readonly properties: Readonly<Record<string, PropertyRule>>;
  /** Operators every property may use in an advanced query (the directory: ne, not, endswith, eq null). */
  readonly advancedEverywhere: readonly ClauseOperator[];
  /** Whether `not(...)` needs the advanced form. */
  readonly notIsAdvanced: boolean;
}

const TEXT: PropertyRule = { plain: ['eq', 'in', 'startswith'] };
const ADVANCED_TEXT: PropertyRule = { plain: [], advanced: ['eq', 'in', 'startswith', 'range'] };
const ELEMENT_TEXT = { '': TEXT };

export const USER_FILTER_RULES: FilterRules = {
  resource: 'User',
  advancedEverywhere: ['ne', 'endswith', 'eqNull', 'range'],
  notIsAdvanced: true,
  properties: {
    id: { plain: ['eq', 'in'] },
    accountEnabled: { plain: ['eq'] },
    displayName: TEXT,
    givenName: TEXT,
    surname: TEXT,
    userPrincipalName: TEXT,
    mail: TEXT,
    mailNickname: TEXT,
    mobilePhone: TEXT,
    jobTitle: TEXT,
    department: TEXT,
    employeeId: TEXT,
    preferredLanguage: { plain: ['eq'] },
    usageLocation: { plain: ['eq'] },
    userType: { plain: ['eq'] },
    city: TEXT,
    country: TEXT,
    state: TEXT,
    postalCode: TEXT,
    companyName: ADVANCED_TEXT,
    officeLocation: ADVANCED_TEXT,
    faxNumber: ADVANCED_TEXT,
    streetAddress: ADVANCED_TEXT,
    businessPhones: { plain: [], elements: { '': { plain: ['eq'], advanced: ['startswith'] } } },
    otherMails: { plain: [], elements: ELEMENT_TEXT },
    proxyAddresses: { plain: [], elements: ELEMENT_TEXT },
    onPremisesExtensionAttributes: {
      plain: [],
      elements: Object.fromEntries(
        Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, ADVANCED_TEXT] as const),
      ),
    },
  },
};

export const ORG_CONTACT_FILTER_RULES: FilterRules = {
  resource: 'OrgContact',
  advancedEverywhere: ['ne', 'endswith', 'eqNull', 'range'],
  notIsAdvanced: true,
  properties: {
    id: { plain: ['eq', 'in'] },
    displayName: TEXT,
    givenName: TEXT,
    surname: TEXT,
    mail: TEXT,
    mailNickname: TEXT,
    jobTitle: TEXT,
    companyName: TEXT,
    department: TEXT,
    proxyAddresses: { plain: [], elements: ELEMENT_TEXT },
  },
};

/** Exchange has no advanced form: what it takes, it takes plainly. */
export const MAIL_CONTACT_FILTER_RULES: FilterRules = {
  resource: 'Contact',
  advancedEverywhere: [],
  notIsAdvanced: false,
  properties: {
    id: { plain: ['eq'] },
    displayName: { plain: ['eq', 'ne', 'startswith'] },
    givenName: { plain: ['eq', 'ne', 'startswith'] },
    surname: { plain: ['eq', 'ne', 'startswith'] },
    companyName: { plain: ['eq', 'ne', 'startswith'] },
    department: { plain: ['eq', 'ne'] },
    jobTitle: { plain: ['eq', 'ne'] },
    parentFolderId: { plain: ['eq'] },
    categories: { plain: [], elements: { '': { plain: ['eq'] } } },
    emailAddresses: {
      plain: [],
      elements: { address: { plain: ['eq', 'startswith'] }, name: { plain: ['eq'] } },
    },
  },
};

/**
 * Parses and checks a `$filter`, with property names put in the resource's spelling; throws Graph's
 * 400 for what the resource refuses, and for advanced clauses when `advanced` (ConsistencyLevel:
 * eventual with $count=true) is not on.
 */
export function checkFilter(text: string, rules: FilterRules, advanced: boolean): FilterNode {
  let node: FilterNode;
  try {
    node = parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw unsupportedQuery(`Invalid filter clause: ${error.message}`);
    throw error;
  }
  return canonical(node, rules, new Map(), advanced);
}

/** Lambda variables in scope, each with the rule of the collection element it stands for. */
type Variables = ReadonlyMap<string, PropertyRule>;

function canonical(
  node: FilterNode,
  rules: FilterRules,
  variables: Variables,
  advanced: boolean,
): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        ...node,
        left: canonical(node.left, rules, variables, advanced),
        right: canonical(node.right, rules, variables, advanced),
      };
    case 'not':
      if (rules.notIsAdvanced && !advanced) throw unsupportedQuery('Unsupported Query.');
      return { ...node, operand: canonical(node.operand, rules, variables, advanced) };
    case 'compare': {
      const operator: ClauseOperator =
        node.value === null ? 'eqNull' : node.op === 'eq' ? 'eq' : node.op === 'ne' ? 'ne' : 'range';
      return { ...node, path: allow(node.path, operator, rules, variables, advanced) };
    }
    case 'in':
      return { ...node, path: allow(node.path, 'in', rules, variables, advanced) };
    case 'call':
      return { ...node, path: allow(node.path, node.name, rules, variables, advanced) };
    case 'lambda': {
      const [path, rule] = collection(node.path, rules);
      const inner = new Map(variables).set(node.variable, { plain: [], elements: rule.elements ?? {} });
      return { ...node, path, body: canonical(node.body, rules, inner, advanced) };
    }
  }
}

/** The path in the resource's spelling, if the rules allow `operator` on it (in this form of query). */
function allow(
  path: readonly string[],
  operator: ClauseOperator,
  rules: FilterRules,
  variables: Variables,
  advanced: boolean,
): readonly string[] {
  const [spelled, rule] = lookUp(path, rules, variables);
  if (rule?.plain.includes(operator) === true) return spelled;
  const advancedOnly =
    rule?.advanced?.includes(operator) === true || rules.advancedEverywhere.includes(operator);
  if (rule !== undefined && advancedOnly && advanced) return spelled;
  throw refusal(path, rules);
}

function lookUp(
  path: readonly string[],
  rules: FilterRules,
  variables: Variables,
): [readonly string[], PropertyRule | undefined] {
  const [first, ...rest] = path;
  const variable = variables.get(first!);
  if (variable !== undefined) {
    const [member, rule] = byName(variable.elements ?? {}, rest.join('/'));
    return [[first!, ...(member === '' ? [] : member.split('/'))], rule];
  }
  const [name, rule] = byName(rules.properties, first!);
  if (rest.length === 0 || rule === undefined) return [[name, ...rest], rule];
  const [member, memberRule] = byName(rule.elements ?? {}, rest.join('/'));
  return [[name, ...member.split('/')], memberRule];
}

function collection(path: readonly string[], rules: FilterRules): [readonly string[], PropertyRule] {
  const [name, rule] = byName(rules.properties, path.join('/'));
  if (rule?.elements === undefined) throw refusal(path, rules);
  return [[name], rule];
}

function byName<T>(table: Readonly<Record<string, T>>, name: string): [string, T | undefined] {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(table)) if (key.toLowerCase() === lower) return [key, value];
  return [name, undefined];
}

function refusal(path: readonly string[], rules: FilterRules): Error {
  return unsupportedQuery(
    `Unsupported or invalid query filter clause specified for property '${path.join('/')}' of resource '${rules.resource}'.`,
  );
}
