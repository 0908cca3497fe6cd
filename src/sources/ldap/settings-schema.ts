/**
 * The settings of the generic ldap source, which the ad and domino sources share: one fragment, each
 * default written once here and read by the code from the validated config. `ldapSettingsSchema`
 * lays a source type's additions and overrides over it.
 */
import { oneOrList, type JsonSchema } from '../../config/json-schema.js';
import type { SourceTypeSchema } from '../../config/source-type-schema.js';
import { DEFAULT_CONTACTS_FILTER, DEFAULT_PHONE_FIELDS, DEFAULT_USERS_FILTER } from './ldap-defaults.js';
import { SEARCHES_PER_CONNECTION, WAITERS_PER_CONNECTION } from './ldap-connections.js';

type Settings = SourceTypeSchema['settings'];

export const LDAP_SETTINGS: Settings = {
  required: ['urls', 'base'],
  properties: {
    mode: {
      description:
        "`replica` (the default) loads every person and contact at start (paged), then asks the backend what changed every `changeInterval` (`modifyTimestamp`; AD: its USNs) and answers from a local index, so phone lookups never wait for the backend; a round that fails keeps the last good copy (the source's state says `stale`, and since when). `live` sends every search to the backend: only for small directories or exact lookups, since accent and number widening make the backend scan for names and numbers; mail and logins (`mail`, `userPrincipalName`, `sAMAccountName`, `uid`) go down as written, so the backend's index answers them, and lookups that come while one is under way go down together as one search (`(|(mail=a)(mail=b)…)`).",
      enum: ['replica', 'live'],
      default: 'replica',
    },
    urls: {
      description:
        '`ldaps://host:port` or `ldap://host:port`, one or a list, tried in order: a connection error moves on to the next, and the first is tried again after `healthInterval`.',
      anyOf: oneOrList({ type: 'string', pattern: '^[Ll][Dd][Aa][Pp][Ss]?://[^/]+/?$' }),
      patternDescription: 'an ldap:// or ldaps:// URL (host and port only), or a list of them',
    },
    startTls: {
      description: 'Upgrade `ldap://` connections with StartTLS before binding (not for `ldaps://`).',
      type: 'boolean',
      default: false,
    },
    tls: {
      description:
        "How the backend's certificate is checked: `ca` is a PEM file of the CAs to trust (relative to the config file; default: the system's), `rejectUnauthorized: false` turns verification off (logged as a warning at start; never in production).",
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca: {
          description: 'PEM file of CA certificates to trust.',
          type: 'string',
          minLength: 1,
        },
        rejectUnauthorized: {
          description: 'Whether an unverified certificate is refused.',
          type: 'boolean',
          default: true,
        },
      },
    },
    bind: {
      description:
        'The service account searches run as: `name` (a DN, or any name form the server accepts) and `password` (use `${env:NAME}` or `file:` secrets). Absent: anonymous.',
      type: 'object',
      additionalProperties: false,
      required: ['name', 'password'],
      properties: {
        name: {
          description: "The service account's bind name.",
          type: 'string',
          minLength: 1,
        },
        password: {
          description: 'Its password; put it in a secret (`${env:NAME}` or `file:`), not in the config.',
          type: 'string',
          minLength: 1,
        },
      },
    },
    base: {
      description: 'Base DN searched (subtree), one or a list.',
      anyOf: oneOrList({ type: 'string', minLength: 1 }),
      patternDescription: 'a DN or a list of DNs',
    },
    filter: {
      description:
        'An LDAP filter ANDed into every search (e.g. `(!(userAccountControl:1.2.840.113556.1.4.803:=2))` to leave out disabled AD accounts).',
      type: 'string',
      minLength: 1,
    },
    usersFilter: {
      description:
        'What a user entry looks like. Only entries matching `usersFilter` or `contactsFilter` are served.',
      type: 'string',
      minLength: 1,
      default: DEFAULT_USERS_FILTER,
    },
    contactsFilter: {
      description:
        'What a contact entry looks like: an entry matching it is a contact, any other a user. Its conditions are evaluated on the returned entry (equality, presence, substrings; case-insensitive).',
      type: 'string',
      minLength: 1,
      default: DEFAULT_CONTACTS_FILTER,
    },
    idAttribute: {
      description:
        "Attribute holding each entry's stable id. A 16-byte value (AD's `objectGUID`) is read as a GUID and written as a UUID.",
      type: 'string',
      minLength: 1,
      default: 'entryUUID',
    },
    phoneFields: {
      description:
        'LDAP attributes that hold telephone numbers: searches on them go to the backend as digit patterns that every written form of the number contains.',
      type: 'array',
      items: {
        type: 'string',
        minLength: 1,
      },
      default: DEFAULT_PHONE_FIELDS,
    },
    pageSize: {
      description: 'Entries per page asked of the backend (paged results control).',
      type: 'integer',
      minimum: 1,
      default: 500,
    },
    timeout: {
      description:
        'Seconds for connecting and for each backend operation (each page of a paged search); a backend that does not answer in time makes the search answer unavailable (52). Also the longest a live search waits for room on the `poolSize` connections before it answers busy (51).',
      type: 'number',
      minimum: 0.1,
      default: 10,
    },
    poolSize: {
      description:
        `Service-account connections kept open to the backend at most, each carrying up to ${SEARCHES_PER_CONNECTION} searches at once. ` +
        `Up to ${WAITERS_PER_CONNECTION} more searches per connection wait for room (at most \`timeout\`, or their own time limit); any beyond answer busy (51) at once.`,
      type: 'integer',
      minimum: 1,
      default: 4,
    },
    signOn: {
      description:
        "Delegate binds of this source's users to it (single sign-on): a bind to dirbridge with a name the source owns is checked by binding to the backend with that name and password, on a connection of the bind pool, and the backend's verdict (with its diagnostic text) is passed back unchanged. The generic ldap source owns the DNs below `base`; the ad source also owns `user@<UPN suffix>`, `NETBIOS\\\\user` and `user@NETBIOS`. Sources are asked in config order: the first that owns a name decides.",
      type: 'boolean',
      default: false,
    },
    allowPlaintextSignOn: {
      description:
        "Allow `signOn` over a backend connection without encryption (an `ldap://` URL without `startTls`), which sends every user's sign-on password in clear. Refused by default; set it only where the path to the backend is protected otherwise (the same host, an IPsec tunnel). dirbridge logs a warning at start and `check` shows one.",
      type: 'boolean',
      default: false,
    },
    bindPoolSize: {
      description:
        "Most connections open at once for checking users' passwords, apart from the `poolSize` search connections; re-binds reuse them, so a client that binds 10,000 times opens no more than this.",
      type: 'integer',
      minimum: 1,
      maximum: 64,
      default: 4,
    },
    healthInterval: {
      description: 'Seconds after a failover before the first URL is tried again.',
      type: 'number',
      minimum: 1,
      default: 60,
    },
    changeInterval: {
      description:
        "Seconds between two polls of a `replica`'s change feed: a change in the backend is served within about this long. A poll that finds nothing costs the backend one small search (AD: a read of the root DSE).",
      type: 'number',
      exclusiveMinimum: 0,
      default: 30,
    },
    reconcileInterval: {
      description:
        'Seconds between two reconciliations of a `replica`, which find the people deleted in the backend (a poll sees changes, not deletions): AD lists every id, other directories every record, applied as a difference. AD serves deletions at the next poll instead where the service account may read `CN=Deleted Objects` (`dirbridge check` says which applies). Also run on the first round after a restart from a snapshot.',
      type: 'number',
      exclusiveMinimum: 0,
      default: 3600,
    },
    cache: {
      description:
        "The short-lived cache of this live source's answers: the same phone lookup (each key press, or a caller-ID lookup by every phone that rings) goes to the backend once. Only complete answers of at most `maxRecords` records are kept, never one that failed or was cut short, so a PBX import is never served from it and an error is never cached.",
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        size: {
          description: 'How many distinct queries are kept; 0 turns the cache off.',
          type: 'integer',
          minimum: 0,
          default: 1000,
        },
        ttl: {
          description: 'Seconds an answer is kept.',
          type: 'integer',
          minimum: 1,
          default: 30,
        },
        maxRecords: {
          description: 'Answers with more records than this are not kept.',
          type: 'integer',
          minimum: 1,
          default: 200,
        },
      },
    },
  },
};

/**
 * The ldap settings with a type's changes: a property named here is merged over the ldap one (a
 * new default or description), or added when the ldap source has none.
 */
export function ldapSettingsSchema(changes: {
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
}): Settings {
  const properties: Record<string, JsonSchema> = { ...LDAP_SETTINGS.properties };
  for (const [name, change] of Object.entries(changes.properties))
    properties[name] = { ...properties[name], ...change };
  return { required: changes.required ?? LDAP_SETTINGS.required ?? [], properties };
}
