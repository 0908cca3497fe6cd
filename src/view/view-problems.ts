/**
 * What makes a view unusable, found when config is loaded (and by the shipped views' tests): every
 * client name must stand for one presented attribute and every presented attribute must keep one
 * name, so renaming is a bijection and a swap works both ways; and no password attribute may be
 * renamed, so that a view never shows one, or lets a filter test one, under a name its access rules
 * and the log's redaction do not know.
 */
import type { AttributeType, Schema } from '../schema/schema.js';
import { SENSITIVE_ATTRIBUTES } from '../schema/sensitive-attributes.js';
import type { ViewDefinition } from './view-definition.js';

export interface ViewProblem {
  /** The client name (the key in the definition) the problem is about. */
  readonly clientName: string;
  readonly message: string;
}

export function viewProblems(definition: ViewDefinition, schema: Schema): ViewProblem[] {
  const problems: ViewProblem[] = [];
  /** Presented type -> the first client name showing it; client type -> the first key naming it. */
  const shownBy = new Map<AttributeType, string>();
  const named = new Map<string, string>();
  const renames: [string, AttributeType][] = [];
  for (const [clientName, presentedName] of Object.entries(definition)) {
    const problem = (message: string): void => void problems.push({ clientName, message });
    const presented = schema.attribute(presentedName);
    const client = schema.attribute(clientName);
    const sameName = named.get(sameNameKey(clientName, client));
    if (sameName !== undefined) problem(`'${clientName}' names the same attribute as '${sameName}'`);
    else named.set(sameNameKey(clientName, client), clientName);
    if (!presented) {
      problem(`no presented attribute '${presentedName}' (see the schema: cn=Subschema)`);
      continue;
    }
    const refusal = renameRefusal(clientName, client, presented);
    if (refusal !== undefined) {
      problem(refusal);
      continue;
    }
    const other = shownBy.get(presented);
    if (other !== undefined)
      problem(`'${clientName}' and '${other}' both show presented '${presented.name}'`);
    else shownBy.set(presented, clientName);
    renames.push([clientName, presented]);
  }
  for (const [clientName, presented] of renames) {
    const client = schema.attribute(clientName);
    // A name the schema knows, taken for another attribute: what it used to show must be renamed too.
    if (client && client !== presented && !shownBy.has(client)) {
      problems.push({
        clientName,
        message:
          `'${clientName}' is also the presented attribute '${client.name}', which this view leaves ` +
          `visible under that name: show '${client.name}' under another name too ` +
          `(e.g. ${presented.name}: ${client.name}) or choose another name for '${presented.name}'`,
      });
    }
  }
  return problems;
}

/** Aliases and OIDs of one attribute type, and letter cases, are one name. */
function sameNameKey(clientName: string, client: AttributeType | undefined): string {
  return client ? client.oid : clientName.toLowerCase();
}

/** Why a client name may not show a presented attribute, if it may not. */
function renameRefusal(
  clientName: string,
  client: AttributeType | undefined,
  presented: AttributeType,
): string | undefined {
  if (client === presented) return undefined;
  if (isSensitive(presented)) {
    return `'${presented.name}' is a password attribute: a view may not show it under another name (who sees it is \`access.accounts[].sensitive\`'s to say)`;
  }
  if (client && isSensitive(client)) {
    return `'${clientName}' is a password attribute's name: a view may not give it to '${presented.name}'`;
  }
  if (presented.operational || presented.name.toLowerCase() === 'objectclass') {
    return `'${presented.name}' cannot be renamed: only user attributes other than objectClass can`;
  }
  return undefined;
}

function isSensitive(type: AttributeType): boolean {
  return SENSITIVE_ATTRIBUTES.has(type.name.toLowerCase());
}
