/**
 * The global address list ResolveNames searches: Active Directory recipients with the attributes
 * Exchange reads for a resolution. Proxy addresses keep their routing prefix as AD stores them
 * (`SMTP:` marks the primary address, `smtp:` the others, `sip:`/`X500:` other types); ResolveNames
 * returns them prefixed in the contact's EmailAddresses.
 */
import type { PhoneKey, PhysicalAddress } from './contact.js';

/** Mailbox user, distribution group (MailboxType PublicDL) or mail contact (MailboxType Contact). */
export type GalEntryKind = 'user' | 'group' | 'contact';

export interface GalEntry {
  readonly kind: GalEntryKind;
  readonly displayName: string;
  readonly alias: string;
  /** Addresses with their routing prefix; the one prefixed `SMTP:` is the primary one. */
  readonly proxyAddresses: readonly string[];
  readonly givenName?: string;
  readonly surname?: string;
  readonly initials?: string;
  readonly companyName?: string;
  readonly department?: string;
  readonly jobTitle?: string;
  readonly officeLocation?: string;
  readonly culture?: string;
  readonly phoneNumbers?: Partial<Record<PhoneKey, string>>;
  readonly businessAddress?: PhysicalAddress;
  /** Hidden from address lists: never resolved. */
  readonly hidden?: boolean;
}

export function primarySmtp(entry: GalEntry): string {
  const primary = entry.proxyAddresses.find((address) => address.startsWith('SMTP:'));
  const any = primary ?? entry.proxyAddresses.find((address) => address.toLowerCase().startsWith('smtp:'));
  return any === undefined ? '' : any.slice('smtp:'.length);
}

export const MAILBOX_TYPE: Record<GalEntryKind, string> = {
  user: 'Mailbox',
  group: 'PublicDL',
  contact: 'Contact',
};

export class Gal {
  private readonly entries: GalEntry[] = [];

  add(entry: GalEntry): void {
    this.entries.push(entry);
  }

  remove(alias: string): void {
    const index = this.entries.findIndex((entry) => entry.alias === alias);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /** Visible entries in the order they were added (the order the fixtures resolve them in). */
  visible(): readonly GalEntry[] {
    return this.entries.filter((entry) => entry.hidden !== true);
  }
}
