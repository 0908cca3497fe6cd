/** The `ews` source type: contacts kept in Exchange Server mailboxes, through Exchange Web Services. */
import type { SourceDescriptor } from '../source-descriptor.js';
import { EWS_DEFAULT_MAP } from './default-map.js';
import { EWS_SETTINGS } from './settings-schema.js';

export const EWS_SOURCE: SourceDescriptor = {
  type: 'ews',
  description:
    "Exchange Server 2013–2019 and Subscription Edition through Exchange Web Services (EWS): the contacts kept in mailboxes (each listed mailbox's Contacts folder and the user contact folders below it; the account's own mailbox when none is listed) and, with `publicFolders`, public contact folders, served as contacts from a replica loaded and kept up to date by SyncFolderItems, asked again every `changeInterval` from each folder's saved sync state; a sync state Exchange no longer accepts, or a folder that is gone, loads everything again while the old copy serves; public folders (which Exchange cannot sync) are listed in full each round and only changed or removed contacts passed on. Signs in with NTLM (the default), Basic or an OAuth bearer token; listed mailboxes are read by impersonation (the ApplicationImpersonation role), and one Exchange does not have or will not let the account impersonate is left out with a warning while the others are served. Exchange's ErrorServerBusy is waited out for the back-off it asks. Default map: the contact properties under AD's names (`telephoneNumber` <- BusinessPhone, `mobile` <- MobilePhone, `facsimileTelephoneNumber` <- BusinessFax, `homePhone` <- HomePhone, `otherTelephone` <- BusinessPhone2 and other numbers, `pager`, `mail` <- the first SMTP address of EmailAddress1..3, `company` <- CompanyName, `department`, `title` <- JobTitle, `physicalDeliveryOfficeName` <- OfficeLocation, `streetAddress`, `l`, `st`, `postalCode`, `co` <- the business (else home) address, ...). With `addressBook: true` (and `mode: live`) the source serves Exchange's address book instead, asked by ResolveNames at each search: prefix name searches only (at most 100 entries a name; no \"contains\" or number searches, no listing); the `ad` source serves the same people fully. In Exchange Online EWS is being switched off: use the `graph` source there.",
  settings: EWS_SETTINGS,
  pathSettings: ['tls.ca', 'tokenFile'],
  copyScope: ['url', 'mailboxes', 'publicFolders'],
  defaultMap: EWS_DEFAULT_MAP,
  load: async () => (await import('./create-ews-source.js')).createEwsSource,
};
