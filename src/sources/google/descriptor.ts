/** The `google` source type: a Google Workspace directory through the People API. */
import type { SourceDescriptor } from '../source-descriptor.js';
import { GOOGLE_DEFAULT_MAP } from './default-map.js';
import { GOOGLE_SETTINGS } from './settings-schema.js';

export const GOOGLE_SOURCE: SourceDescriptor = {
  type: 'google',
  description:
    "Google Workspace through the People API: the domain's user profiles (as users) and shared contacts (as contacts) from `people.listDirectoryPeople`, copied into a replica and asked again every `changeInterval` with the saved sync token (changed and deleted people only; Google may take several minutes to report a change); an expired sync token (after 7 days) loads everything again while the old copy serves. Reads as a service account (`serviceAccountKey`, its JSON key) acting for `adminEmail` by domain-wide delegation of `https://www.googleapis.com/auth/directory.readonly`, or as one account by its OAuth refresh token (`oauth`); the People API must be enabled in the project. Default map: the person fields under AD's names (`telephoneNumber` <- the first work number, `otherTelephone` <- further work numbers and other types, `mobile`, `homePhone`, `facsimileTelephoneNumber` <- workFax, `pager`, `title`, `department`, `company`, `preferredLanguage` <- the first locale; numbers in E.164 where Google can read them); the employee id (`employeeId`, externalIds of type organization) and custom fields (`userDefined.<key>`) can be mapped in config, e.g. to `ipPhone`. With `userContacts`, the listed users' own Google Contacts (and with `otherContacts` their other contacts) are served too, as contacts (`owner` their user), each listing followed by its own sync token. A round Google's quota refuses backs off, doubling from `changeInterval` with jitter.",
  settings: GOOGLE_SETTINGS,
  pathSettings: [],
  copyScope: ['adminEmail', 'directory', 'userContacts'],
  defaultMap: GOOGLE_DEFAULT_MAP,
  load: async () => (await import('./create-google-source.js')).createGoogleSource,
};
