/** The `ews` source type: Exchange Server mailbox contacts through EWS, as a SyncFolderItems replica. */
export { EWS_SOURCE, createEwsSource } from './descriptor.js';
export { EwsAddressBookSource } from './address-book-source.js';
export { EwsSource } from './ews-source.js';
export type { EwsSourceSettings } from './ews-settings.js';
