/**
 * `$select` for each entity type: which properties exist, which come back when `$select` is absent
 * (users: a short default set without department, faxNumber, companyName or
 * onPremisesExtensionAttributes; orgContacts and Outlook contacts: everything), and how an object is
 * written out. Property names match case-insensitively and come back in Graph's spelling.
 */
import { GraphFailure } from './graph-errors.js';

export interface EntityShape {
  /** The OData type name Graph quotes when a property is unknown. */
  readonly odataType: string;
  /** The error code Graph uses for an unknown property on this type. */
  readonly unknownPropertyCode: string;
  /** Every property `$select` accepts, in Graph's spelling. */
  readonly properties: readonly string[];
  /** What comes back without `$select`, in Graph's order ('all': every property). */
  readonly defaults: readonly string[] | 'all';
  /** Outlook writes the id first; the directory writes it last. */
  readonly idFirst: boolean;
}

/** Properties Graph has that the fake holds no data for: selecting them gives null (or []). */
const EXTRA_USER_PROPERTIES = [
  'ageGroup',
  'deletedDateTime',
  'employeeType',
  'imAddresses',
  'identities',
  'onPremisesImmutableId',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'onPremisesUserPrincipalName',
  'showInAddressList',
];
const EMPTY_COLLECTIONS = new Set(['imAddresses', 'identities']);

export const USER_SHAPE: EntityShape = {
  odataType: 'Microsoft.DirectoryServices.User',
  unknownPropertyCode: 'Request_BadRequest',
  properties: [
    'id',
    'accountEnabled',
    'displayName',
    'givenName',
    'surname',
    'userPrincipalName',
    'mail',
    'mailNickname',
    'otherMails',
    'proxyAddresses',
    'businessPhones',
    'mobilePhone',
    'faxNumber',
    'jobTitle',
    'department',
    'companyName',
    'officeLocation',
    'preferredLanguage',
    'employeeId',
    'streetAddress',
    'city',
    'state',
    'postalCode',
    'country',
    'usageLocation',
    'userType',
    'createdDateTime',
    'onPremisesExtensionAttributes',
    ...EXTRA_USER_PROPERTIES,
  ],
  defaults: [
    'businessPhones',
    'displayName',
    'givenName',
    'jobTitle',
    'mail',
    'mobilePhone',
    'officeLocation',
    'preferredLanguage',
    'surname',
    'userPrincipalName',
    'id',
  ],
  idFirst: false,
};

export const ORG_CONTACT_SHAPE: EntityShape = {
  odataType: 'Microsoft.DirectoryServices.OrgContact',
  unknownPropertyCode: 'Request_BadRequest',
  properties: [
    'id',
    'displayName',
    'givenName',
    'surname',
    'mail',
    'mailNickname',
    'companyName',
    'department',
    'jobTitle',
    'phones',
    'addresses',
    'proxyAddresses',
    'imAddresses',
    'onPremisesSyncEnabled',
    'onPremisesLastSyncDateTime',
  ],
  defaults: 'all',
  idFirst: true,
};

export const MAIL_CONTACT_SHAPE: EntityShape = {
  odataType: 'Microsoft.OutlookServices.Contact',
  unknownPropertyCode: 'RequestBroker--ParseUri',
  properties: [
    'id',
    'createdDateTime',
    'lastModifiedDateTime',
    'changeKey',
    'categories',
    'parentFolderId',
    'fileAs',
    'displayName',
    'givenName',
    'middleName',
    'nickName',
    'surname',
    'title',
    'imAddresses',
    'jobTitle',
    'companyName',
    'department',
    'officeLocation',
    'profession',
    'businessHomePage',
    'mobilePhone',
    'businessPhones',
    'homePhones',
    'emailAddresses',
    'personalNotes',
    'businessAddress',
    'homeAddress',
    'otherAddress',
  ],
  defaults: 'all',
  idFirst: true,
};

export const CONTACT_FOLDER_SHAPE: EntityShape = {
  odataType: 'Microsoft.OutlookServices.ContactFolder',
  unknownPropertyCode: 'RequestBroker--ParseUri',
  properties: ['id', 'displayName', 'parentFolderId'],
  defaults: 'all',
  idFirst: true,
};

/** A group's properties (not `members`: membership is a navigation, see groups-endpoint.ts). */
export const GROUP_SHAPE: EntityShape = {
  odataType: 'Microsoft.DirectoryServices.Group',
  unknownPropertyCode: 'Request_BadRequest',
  properties: [
    'id',
    'displayName',
    'description',
    'mail',
    'mailEnabled',
    'mailNickname',
    'securityEnabled',
    'groupTypes',
    'createdDateTime',
  ],
  defaults: 'all',
  idFirst: true,
};

/** The canonical property names `$select` asks for, or undefined when it is absent or empty. */
export function parseSelect(raw: string | null, shape: EntityShape): readonly string[] | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const byLowerCase = new Map(shape.properties.map((name) => [name.toLowerCase(), name]));
  const names: string[] = [];
  for (const part of raw.split(',')) {
    const asked = part.trim();
    const name = byLowerCase.get(asked.toLowerCase());
    if (name === undefined) {
      throw new GraphFailure(
        400,
        shape.unknownPropertyCode,
        `Could not find a property named '${asked}' on type '${shape.odataType}'.`,
      );
    }
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The properties a listing writes: the selection, or the type's defaults. */
export function effectiveSelection(
  select: readonly string[] | undefined,
  shape: EntityShape,
): readonly string[] {
  if (select !== undefined) return select;
  return shape.defaults === 'all' ? shape.properties : shape.defaults;
}

/**
 * The object as Graph writes it: the selected properties (or `only` of them, for a minimal delta
 * answer) and always the id.
 */
export function project(
  object: { readonly id: string },
  select: readonly string[] | undefined,
  shape: EntityShape,
  only?: ReadonlySet<string>,
): Record<string, unknown> {
  const values = object as unknown as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  if (shape.idFirst) out.id = object.id;
  for (const name of effectiveSelection(select, shape)) {
    if (name === 'id' || (only !== undefined && !only.has(name))) continue;
    out[name] = name in values ? values[name] : EMPTY_COLLECTIONS.has(name) ? [] : null;
  }
  if (!shape.idFirst) out.id = object.id;
  return out;
}

/** `users(displayName,mail)` for the `@odata.context` of a selection. */
export function contextSegment(entitySet: string, select: readonly string[] | undefined): string {
  return select === undefined ? entitySet : `${entitySet}(${select.join(',')})`;
}
