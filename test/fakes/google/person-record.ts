/**
 * A person as the fake stores it: the writable fields in the People API's own shape (minus the
 * metadata Google adds), plus the identity and version the server assigns. Records are replaced,
 * never mutated, so a snapshot (the search cache) keeps what it saw.
 */

/** `metadata.sources[].type` values the fake serves. */
export type PersonSourceType = 'DOMAIN_PROFILE' | 'DOMAIN_CONTACT' | 'CONTACT' | 'OTHER_CONTACT';

export interface NameInput {
  readonly givenName?: string;
  readonly familyName?: string;
  readonly displayName?: string;
}

export interface EmailInput {
  readonly value: string;
  readonly type?: string;
}

/** `type`: home, work, mobile, homeFax, workFax, otherFax, pager, workMobile, workPager, main, googleVoice, other, or custom text. */
export interface PhoneInput {
  readonly value: string;
  readonly type?: string;
}

export interface OrganizationInput {
  readonly name?: string;
  readonly title?: string;
  readonly department?: string;
}

export interface LocaleInput {
  readonly value: string;
}

/** `type`: account, customer, network, organization, or custom text. */
export interface ExternalIdInput {
  readonly value: string;
  readonly type: string;
}

/** A custom field (`userDefined`): free key and value, as the Admin console or Contacts sets them. */
export interface UserDefinedInput {
  readonly key: string;
  readonly value: string;
}

export interface PersonInput {
  readonly names?: readonly NameInput[];
  readonly emailAddresses?: readonly EmailInput[];
  readonly phoneNumbers?: readonly PhoneInput[];
  readonly organizations?: readonly OrganizationInput[];
  readonly locales?: readonly LocaleInput[];
  readonly externalIds?: readonly ExternalIdInput[];
  readonly userDefined?: readonly UserDefinedInput[];
}

export interface PersonRecord {
  /** `people/<id>` or `otherContacts/<id>`. */
  readonly resourceName: string;
  readonly sourceType: PersonSourceType;
  /** `metadata.sources[].id`: numeric for profiles, hex for contacts (as Google has them). */
  readonly sourceId: string;
  readonly data: PersonInput;
  /** Bumped on every change; the etag is derived from it. */
  readonly version: number;
  /** ISO time of the last change, in the fake's clock. */
  readonly updateTime: string;
}
