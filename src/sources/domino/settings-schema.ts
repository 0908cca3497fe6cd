/** The domino source's settings: the ldap source's, with Domino's shape as the defaults. */
import { oneOrList } from '../../config/json-schema.js';
import { ldapSettingsSchema } from '../ldap/settings-schema.js';
import {
  DOMINO_CONTACTS_FILTER,
  DOMINO_ID_ATTRIBUTE,
  DOMINO_PHONE_FIELDS,
  DOMINO_USERS_FILTER,
} from './domino-defaults.js';

export const DOMINO_SETTINGS = ldapSettingsSchema({
  required: ['urls'],
  properties: {
    mode: {
      description:
        '`replica` (the default) loads every person at start, then asks Domino what changed every `changeInterval` (`modifyTimestamp`) and finds deleted people every `reconcileInterval`; `live` sends name and mail conditions to Domino on every search.',
    },
    base: {
      description:
        'Where people are searched: one DN or a list; default the empty DN, the root, as Domino clients do.',
      anyOf: oneOrList({ type: 'string' }),
      default: '',
    },
    usersFilter: {
      description:
        'What a person entry looks like: `dominoPerson`, or `inetOrgPerson` for servers that present people only so. Only entries matching `usersFilter` or `contactsFilter` are served.',
      default: DOMINO_USERS_FILTER,
    },
    contactsFilter: {
      description:
        "What a contact entry looks like: an entry matching it is a contact, any other a user. Domino's directory holds no contacts of the PBX's kind, so the default matches nothing.",
      default: DOMINO_CONTACTS_FILTER,
    },
    idAttribute: {
      description:
        "Attribute holding each entry's stable id: `dominoUNID`, the Notes document's universal id; a person without one is identified by its DN. Any other attribute set here is required: entries without it are not served.",
      default: DOMINO_ID_ATTRIBUTE,
    },
    phoneFields: {
      description:
        'LDAP attributes and Notes items that hold telephone numbers (in `live` mode Domino is not asked about them: its views index names and mail only).',
      default: DOMINO_PHONE_FIELDS,
    },
  },
});
