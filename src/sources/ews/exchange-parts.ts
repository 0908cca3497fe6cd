/**
 * The parts of an ews source that use ews-javascript-api, built on a source's first use. The
 * library takes over a second to load (moment, moment-timezone, axios, a nested msal), which every
 * dirbridge command would pay at start-up if a source type's module imported it: the sources
 * import this module only when they first talk to Exchange.
 */
import { AddressBook } from './address-book.js';
import { ExchangeClient } from './exchange-client.js';
import type { EwsSourceSettings } from './ews-settings.js';
import { MailboxReader } from './mailbox-reader.js';

export interface MailboxParts {
  readonly client: ExchangeClient;
  /** One per listed mailbox, or one for the account's own. */
  readonly readers: readonly MailboxReader[];
  /** Lists the public folders, as the account itself; undefined without `publicFolders`. */
  readonly publicReader?: MailboxReader;
}

export interface AddressBookParts {
  readonly client: ExchangeClient;
  readonly book: AddressBook;
}

export function mailboxParts(settings: EwsSourceSettings): MailboxParts {
  const client = new ExchangeClient(settings);
  const reader = (mailbox: string | undefined): MailboxReader =>
    new MailboxReader(settings.name, client.service(mailbox), mailbox, {
      ...(mailbox === undefined ? {} : { mailbox }),
      credential: settings.credential.kind,
    });
  const mailboxes = settings.mailboxes.length > 0 ? settings.mailboxes : [undefined];
  return {
    client,
    readers: mailboxes.map(reader),
    ...(settings.publicFolders.length > 0 ? { publicReader: reader(undefined) } : {}),
  };
}

export function addressBookParts(settings: EwsSourceSettings): AddressBookParts {
  const client = new ExchangeClient(settings);
  return {
    client,
    book: new AddressBook(settings.name, client.service(undefined), { credential: settings.credential.kind }),
  };
}
