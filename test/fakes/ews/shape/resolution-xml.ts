/**
 * One `t:Resolution` of ResolveNames: the Mailbox (Name, EmailAddress, RoutingType, MailboxType and,
 * for a contacts-folder hit, its ItemId) and, when full contact data is asked for, the Contact. A GAL
 * recipient is addressed by its primary SMTP address (MailboxType Mailbox, PublicDL or Contact); a
 * stored contact by its first email address, routed EX when that is a legacy DN.
 */
import { escapeAttribute, textElement } from '../soap/envelope.js';
import { EMAIL_KEYS, type StoredContact } from '../store/contact.js';
import { MAILBOX_TYPE, primarySmtp, type GalEntry } from '../store/gal.js';
import { galContactView, storedContactView, type ContactView } from './contact-view.js';
import { contactXml } from './contact-xml.js';
import type { Shape } from './shape.js';

export interface Resolution {
  readonly mailbox: string;
  readonly contact: ContactView;
}

const FULL_CONTACT: Shape = { base: 'AllProperties', fields: new Set(), indexed: new Map() };

export function resolutionXml(resolution: Resolution, fullContactData: boolean): string {
  const contact = fullContactData
    ? contactXml(resolution.contact, { shape: FULL_CONTACT, summaryOnly: false })
    : '';
  return `<t:Resolution>${resolution.mailbox}${contact}</t:Resolution>`;
}

export function galResolution(entry: GalEntry): Resolution {
  return {
    mailbox: mailboxXml(entry.displayName, primarySmtp(entry), 'SMTP', MAILBOX_TYPE[entry.kind]),
    contact: galContactView(entry),
  };
}

/** Undefined for a contact without an email address: it cannot be a recipient. */
export function contactResolution(contact: StoredContact, folderChangeKey: string): Resolution | undefined {
  const address = firstEmailAddress(contact);
  if (address === undefined) return undefined;
  const item = `<t:ItemId Id="${escapeAttribute(contact.id)}" ChangeKey="${escapeAttribute(contact.changeKey)}"/>`;
  const name = contact.data.displayName ?? address;
  return {
    mailbox: mailboxXml(name, address, address.startsWith('/') ? 'EX' : 'SMTP', 'Contact', item),
    contact: {
      ...storedContactView(contact, folderChangeKey),
      itemId: undefined,
      parentFolderId: undefined,
      itemClass: undefined,
      subject: undefined,
      contactSource: 'Store',
    },
  };
}

function firstEmailAddress(contact: StoredContact): string | undefined {
  for (const key of EMAIL_KEYS) {
    const address = contact.data.emailAddresses?.[key];
    if (address !== undefined && address !== '') return address;
  }
  return undefined;
}

function mailboxXml(
  name: string,
  address: string,
  routingType: string,
  mailboxType: string,
  itemId = '',
): string {
  return (
    '<t:Mailbox>' +
    textElement('t:Name', name) +
    textElement('t:EmailAddress', address) +
    `<t:RoutingType>${routingType}</t:RoutingType><t:MailboxType>${mailboxType}</t:MailboxType>${itemId}` +
    '</t:Mailbox>'
  );
}
