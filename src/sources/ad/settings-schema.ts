/** The ad source's settings: the ldap source's, with AD's defaults and its naming settings. */
import { ldapSettingsSchema } from '../ldap/settings-schema.js';
import { AD_ID_ATTRIBUTE, AD_USERS_FILTER } from './ad-defaults.js';

export const AD_SETTINGS = ldapSettingsSchema({
  properties: {
    urls: {
      description:
        '`ldaps://dc.example.test` or `ldap://...` (with `startTls`), one or a list of domain controllers, tried in order: a connection error moves on to the next, and the first is tried again after `healthInterval`.',
    },
    bind: {
      description:
        'The service account searches run as: `name` (`user@domain`, `DOMAIN\\user` or a DN) and `password` (use `${env:NAME}` or `file:` secrets). Absent: anonymous (which AD refuses for searches by default).',
    },
    usersFilter: {
      description:
        'What a user entry looks like. Only entries matching `usersFilter` or `contactsFilter` are served; the default leaves out computer accounts.',
      default: AD_USERS_FILTER,
    },
    idAttribute: {
      description:
        "Attribute holding each entry's stable id; `objectGUID` (16 bytes) is read as a GUID and written as a UUID, the entry's `entryUUID`.",
      default: AD_ID_ATTRIBUTE,
    },
    upnSuffixes: {
      description:
        "The UPN suffixes this domain signs on (`alice@<suffix>`). Default: read from AD (the domain's DNS name and the forest's `uPNSuffixes`).",
      type: 'array',
      minItems: 1,
      items: {
        type: 'string',
        pattern: '^[^@\\\\\\s]+$',
      },
      patternDescription: 'domain names such as example.test',
    },
    netbiosName: {
      description:
        "The domain's NetBIOS name for `NETBIOS\\\\user` and `user@NETBIOS` binds. Default: read from AD's partitions container.",
      type: 'string',
      pattern: '^[^\\\\/:*?"<>|.\\s][^\\\\/:*?"<>|\\s]{0,14}$',
      patternDescription: 'a NetBIOS domain name such as EXAMPLE (at most 15 characters)',
    },
  },
});
