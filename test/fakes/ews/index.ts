/**
 * The EWS fake's public surface, for the ews source's tests.
 *
 *   const fake = await EwsFake.start({ plainHttp: true });   // HTTPS always; plain HTTP on request
 *   const ids = seedContoso(fake);                           // or seedFixtures(fake), or build your own
 *   fake.url, fake.httpUrl, fake.caCertificate                // where to point ExchangeService, what to trust
 *
 * Data:    fake.accounts.add(…), fake.tokens.add/revoke(…), fake.store.addMailbox/createFolder/
 *          createContact/updateContact/deleteContact/deleteFolder(…), fake.gal.add/remove(…),
 *          fake.syncStates.invalidateAll()
 * Faults:  fake.faults.inject({ kind: 'server-busy', backOffMilliseconds, in? }, { times?, operation? })
 *          and 'exceeded-connection-count', 'hang', 'hang-ntlm-handshake', 'html-500', 'text-500',
 *          'unavailable-503', 'delay'; fake.faults.clear()
 * Log:     fake.log.all(), fake.log.operations(name?), fake.log.clear()
 * Stop:    await fake.close()
 */
export { EwsFake, type EwsFakeOptions, DEFAULT_NTLM_TARGET } from './ews-fake.js';
export type { Account, Principal } from './auth/accounts.js';
export type { AuthScheme } from './auth/authenticate.js';
export { UNPARSABLE_TOKEN, WRONG_AUDIENCE, type TokenGrant } from './auth/bearer.js';
export type { InjectedFault, FaultOptions } from './faults/fault-injector.js';
export type { ServerLimits } from './operations/operation-context.js';
export type { RequestLogEntry } from './request-log.js';
export { DEFAULT_SERVER_VERSION, type ServerVersion } from './soap/envelope.js';
export type { ContactData, StoredContact } from './store/contact.js';
export type { StoredFolder } from './store/folder.js';
export type { GalEntry } from './store/gal.js';
export type { Mailbox, MailboxSpec, FolderSpec } from './store/mailbox-store.js';
export type { MailboxLanguage } from './store/localized-names.js';
export { CONTOSO } from './seed/contoso-accounts.js';
export { JOERG_LEGACY_DN } from './seed/contoso-contacts.js';
export { seedContoso, type ContosoIds } from './seed/contoso-seed.js';
export { FIXTURE_ACCOUNT, seedFixtures } from './seed/fixture-seed.js';
export { generatedContact, generatedContacts, generatedGalPeople } from './seed/generated-records.js';
