/** The `graph` source type: Microsoft 365 (Entra ID users, organisational and mailbox contacts) through Graph. */
import type { SourceDescriptor } from '../source-descriptor.js';
import { GRAPH_DEFAULT_MAP } from './default-map.js';
import { GRAPH_SETTINGS } from './settings-schema.js';

export const GRAPH_SOURCE: SourceDescriptor = {
  type: 'graph',
  description:
    "Microsoft 365 through Microsoft Graph: Entra ID users (and, with `orgContacts: true`, the organisational contacts; with `mailboxContacts`, the personal contacts of the listed mailboxes) copied into a replica with delta queries (`/users/delta`, `/contacts/delta`, each contact folder's `/contacts/delta`), asked again every `changeInterval` from the saved delta link; an expired delta token loads everything again while the old copy serves. Reads with an app registration's client credentials, a client secret or a certificate (application permissions User.Read.All, OrgContact.Read.All, Contacts.Read for mailbox contacts, admin consent). Default map: the seed's Office 365 fields under AD's names (`telephoneNumber` <- the first of `businessPhones`, `otherTelephone` <- the others, `mobile` <- mobilePhone, `homePhone` <- homePhones (mailbox contacts), `facsimileTelephoneNumber` <- faxNumber, `title` <- jobTitle, `physicalDeliveryOfficeName` <- officeLocation, `company` <- companyName, `sn` <- surname, ...); `extensionAttribute1`..`15` can be mapped to `ipPhone`. With `signOn: ropc`, binds as `user@<upnSuffix>` are checked by Entra ID's password grant (ROPC: no MFA, no federated accounts; see docs/sign-on.md).",
  settings: GRAPH_SETTINGS,
  pathSettings: ['tls.ca', 'certificate.cert', 'certificate.key'],
  copyScope: ['tenant', 'users', 'usersFilter', 'orgContacts', 'mailboxContacts'],
  defaultMap: GRAPH_DEFAULT_MAP,
  load: async () => (await import('./create-graph-source.js')).createGraphSource,
};
