/**
 * Writes `<t:Contact>` for a shape, in schema order (ItemType's elements, then ContactItemType's),
 * omitting properties the contact does not have, as Exchange does.
 *
 * What AllProperties means depends on the operation. FindItem and SyncFolderItems return summary
 * properties only: no EmailAddresses, PhysicalAddresses, PhoneNumbers, ImAddresses or Notes (the
 * library refuses to even ask for them there); their entries come through IndexedFieldURI instead,
 * and then only the entries asked for, and only those the contact has. GetItem and ResolveNames
 * return the dictionaries whole. ParentFolderId and the timestamps come only when asked for.
 */
import { ADDRESS_PARTS } from '../store/contact.js';
import { escapeAttribute, escapeText, textElement } from '../soap/envelope.js';
import type { ContactView, ItemRef } from './contact-view.js';
import { isFullShape, type Shape } from './shape.js';

export interface ContactRendering {
  readonly shape: Shape;
  /** FindItem and SyncFolderItems: AllProperties leaves out the dictionaries and Notes. */
  readonly summaryOnly: boolean;
}

type ScalarKey = {
  [K in keyof ContactView]-?: NonNullable<ContactView[K]> extends string ? K : never;
}[keyof ContactView];

interface Scalar {
  readonly key: ScalarKey;
  readonly element: string;
  readonly uri: string;
  /** Part of AllProperties (else only when asked for by FieldURI). */
  readonly inAllProperties: boolean;
  readonly summary: boolean;
}

const scalar = (
  key: ScalarKey,
  element: string,
  uri: string,
  inAllProperties = true,
  summary = true,
): Scalar => ({
  key,
  element,
  uri,
  inAllProperties,
  summary,
});

/** ItemType's properties the fake keeps, before the contact's own. */
const ITEM_SCALARS_BEFORE_DATES: readonly Scalar[] = [
  scalar('itemClass', 'ItemClass', 'item:ItemClass'),
  scalar('subject', 'Subject', 'item:Subject'),
];

const CONTACT_SCALARS_BEFORE_DICTIONARIES: readonly Scalar[] = [
  scalar('fileAs', 'FileAs', 'contacts:FileAs'),
  scalar('displayName', 'DisplayName', 'contacts:DisplayName'),
  scalar('givenName', 'GivenName', 'contacts:GivenName'),
  scalar('initials', 'Initials', 'contacts:Initials'),
  scalar('middleName', 'MiddleName', 'contacts:MiddleName'),
  scalar('nickname', 'Nickname', 'contacts:Nickname'),
  scalar('companyName', 'CompanyName', 'contacts:CompanyName'),
];

export function contactXml(view: ContactView, rendering: ContactRendering): string {
  const wanted = (property: Scalar): boolean =>
    rendering.shape.fields.has(property.uri) ||
    (isFullShape(rendering.shape) &&
      property.inAllProperties &&
      (property.summary || !rendering.summaryOnly));
  const scalars = (list: readonly Scalar[]): string =>
    list
      .map((property) => (wanted(property) ? textElement(`t:${property.element}`, view[property.key]) : ''))
      .join('');
  return (
    '<t:Contact>' +
    refElement('t:ItemId', view.itemId) +
    (rendering.shape.fields.has('item:ParentFolderId')
      ? refElement('t:ParentFolderId', view.parentFolderId)
      : '') +
    scalars(ITEM_SCALARS_BEFORE_DATES) +
    dateElement('t:DateTimeCreated', view.created, rendering.shape.fields.has('item:DateTimeCreated')) +
    scalars([scalar('culture', 'Culture', 'item:Culture')]) +
    dateElement(
      't:LastModifiedTime',
      view.lastModified,
      rendering.shape.fields.has('item:LastModifiedTime'),
    ) +
    scalars(CONTACT_SCALARS_BEFORE_DICTIONARIES) +
    dictionary(view.emailAddresses, 'EmailAddresses', 'contacts:EmailAddress', rendering) +
    physicalAddresses(view, rendering) +
    dictionary(view.phoneNumbers, 'PhoneNumbers', 'contacts:PhoneNumber', rendering) +
    scalars([
      scalar('assistantName', 'AssistantName', 'contacts:AssistantName'),
      scalar('contactSource', 'ContactSource', 'contacts:ContactSource'),
      scalar('department', 'Department', 'contacts:Department'),
    ]) +
    dictionary(view.imAddresses, 'ImAddresses', 'contacts:ImAddress', rendering) +
    scalars([
      scalar('jobTitle', 'JobTitle', 'contacts:JobTitle'),
      scalar('manager', 'Manager', 'contacts:Manager'),
      scalar('officeLocation', 'OfficeLocation', 'contacts:OfficeLocation'),
      scalar('surname', 'Surname', 'contacts:Surname'),
      scalar('alias', 'Alias', 'contacts:Alias'),
      scalar('notes', 'Notes', 'contacts:Notes', true, false),
    ]) +
    '</t:Contact>'
  );
}

function refElement(name: string, ref: ItemRef | undefined): string {
  if (ref === undefined) return '';
  return `<${name} Id="${escapeAttribute(ref.id)}" ChangeKey="${escapeAttribute(ref.changeKey)}"/>`;
}

function dateElement(name: string, date: Date | undefined, wanted: boolean): string {
  if (!wanted || date === undefined) return '';
  return `<${name}>${date.toISOString().replace(/\.\d{3}Z$/, 'Z')}</${name}>`;
}

/** The keys of a dictionary to write: all of them, or only the indexed entries asked for. */
function selectedKeys(
  dictionaryUri: string,
  entryUri: string,
  rendering: ContactRendering,
): ReadonlySet<string> | 'all' | undefined {
  const whole =
    rendering.shape.fields.has(dictionaryUri) || (isFullShape(rendering.shape) && !rendering.summaryOnly);
  if (whole) return 'all';
  return rendering.shape.indexed.get(entryUri);
}

/** EmailAddresses, PhoneNumbers, ImAddresses: the dictionary's FieldURI is the element's name. */
function dictionary(
  entries: readonly (readonly [string, string])[],
  element: string,
  entryUri: string,
  rendering: ContactRendering,
): string {
  const keys = selectedKeys(`contacts:${element}`, entryUri, rendering);
  const chosen = entries.filter(([key]) => keys === 'all' || keys?.has(key) === true);
  if (chosen.length === 0) return '';
  const body = chosen.map(([key, value]) => `<t:Entry Key="${key}">${escapeText(value)}</t:Entry>`).join('');
  return `<t:${element}>${body}</t:${element}>`;
}

function physicalAddresses(view: ContactView, rendering: ContactRendering): string {
  const whole =
    rendering.shape.fields.has('contacts:PhysicalAddresses') ||
    (isFullShape(rendering.shape) && !rendering.summaryOnly);
  const entries: string[] = [];
  for (const [key, address] of view.physicalAddresses) {
    const parts = ADDRESS_PARTS.filter(
      (part) => whole || rendering.shape.indexed.get(`contacts:PhysicalAddress:${part}`)?.has(key) === true,
    );
    const body = parts.map((part) => textElement(`t:${part}`, address[part])).join('');
    if (body !== '') entries.push(`<t:Entry Key="${key}">${body}</t:Entry>`);
  }
  return entries.length === 0 ? '' : `<t:PhysicalAddresses>${entries.join('')}</t:PhysicalAddresses>`;
}
