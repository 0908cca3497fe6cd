/** The `ews` source type: Exchange Server mailbox contacts through EWS, as a SyncFolderItems replica. */
export { EWS_SOURCE } from './descriptor.js';
export { createEwsSource } from './create-ews-source.js';
export { EwsAddressBookSource } from './address-book-source.js';
export { EwsSource } from './ews-source.js';
export type { EwsSourceSettings } from './ews-settings.js';
