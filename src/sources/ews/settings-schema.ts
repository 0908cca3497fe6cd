/** The ews source's settings, each default written once here and read from the validated config. */
import type { SourceTypeSchema } from '../../config/source-type-schema.js';

export const EWS_SETTINGS: SourceTypeSchema['settings'] = {
  required: ['url'],
  properties: {
    mode: {
      description:
        "`replica` (the default): mailbox contacts served from a local copy kept up to date by EWS's SyncFolderItems. `live` goes with `addressBook: true`: the address book is asked at each search.",
      enum: ['replica', 'live'],
      default: 'replica',
    },
    addressBook: {
      description:
        'Serve Exchange\'s address book (the GAL: mailboxes as users, mail contacts as contacts) instead of mailbox contacts, live (`mode: live`), by ResolveNames with full contact data: it matches the start of names, aliases and addresses, returns at most 100 entries a call and cannot list the whole address book, so this mount answers name searches that say how a name begins (`(cn=mül*)`, `(sn=Müller)`, `(mail=alice@contoso.com)`); "contains", number and catch-all searches find nothing in it. On premises, serve the GAL\'s people and numbers from the `ad` source, which holds the same people.',
      type: 'boolean',
      default: false,
    },
    url: {
      description: "The Exchange server's EWS endpoint, e.g. `https://mail.contoso.com/EWS/Exchange.asmx`.",
      type: 'string',
      pattern: '^https?://[^/]+/.*\\.asmx$',
      patternDescription: 'an http(s):// URL ending in .asmx (`https://host/EWS/Exchange.asmx`)',
    },
    auth: {
      description:
        "How dirbridge signs in to EWS: `ntlm` (Windows authentication, Exchange's default on EWS), `basic` (where the EWS virtual directory allows it; only over https) with `username` and `password`, or `bearer` with an OAuth access `token` or `tokenFile` (Exchange hybrid modern authentication).",
      enum: ['ntlm', 'basic', 'bearer'],
      default: 'ntlm',
    },
    username: {
      description:
        'The account dirbridge signs in as, with `ntlm` or `basic`: `DOMAIN\\user` or `user@domain`. To read mailboxes other than its own (`mailboxes`) it needs the ApplicationImpersonation role.',
      type: 'string',
      minLength: 1,
    },
    password: {
      description:
        "The account's password, with `ntlm` or `basic`: put it in a secret (`${env:NAME}` or `file:`), not in the config.",
      type: 'string',
      minLength: 1,
    },
    token: {
      description:
        'With `bearer`: the OAuth access token sent as `Authorization: Bearer`, from a secret (`${env:NAME}` or `file:`).',
      type: 'string',
      minLength: 1,
    },
    tokenFile: {
      description:
        'With `bearer`, instead of `token`: a file holding the OAuth access token (relative to the config file), looked at before each request to EWS and read again when it changes, so that whatever renews the token (Entra ID access tokens last about an hour) keeps the source signed in without a reload.',
      type: 'string',
      minLength: 1,
    },
    tls: {
      description:
        "How the Exchange server's certificate is checked: `ca` is a PEM file of the CAs to trust in addition to the system ones (an internal CA), relative to the config file; NTLM trusts it too.",
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca: { description: 'PEM file of CA certificates to trust.', type: 'string', minLength: 1 },
      },
    },
    mailboxes: {
      description:
        "The mailboxes whose contacts are served, by primary SMTP address, each read as itself by impersonation (ExchangeImpersonation: the account needs the ApplicationImpersonation role). Empty (the default): the account's own mailbox. Each mailbox's Contacts folder and every user contact folder below it (folder class `IPF.Contact`; Exchange's hidden system folders such as the recipient cache are left out).",
      type: 'array',
      items: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
      patternDescription: 'SMTP addresses (user@domain)',
      default: [],
    },
    publicFolders: {
      description:
        "Also serve these public contact folders (folder class `IPF.Contact`), each by its path below the public folder root, e.g. `[Firmenkontakte, Shared Contacts/Partners]` (a folder's subfolders are not included: list each). Exchange cannot sync public folders, so each is listed in full every `changeInterval` (FindItem) and only contacts whose change key changed, or that are gone, are passed on. Read as the account itself (it needs at least Reviewer rights on them).",
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
    },
    changeInterval: {
      description:
        'Seconds between two SyncFolderItems rounds: a change in a mailbox is served within about this long.',
      type: 'number',
      minimum: 5,
      default: 60,
    },
    timeout: {
      description:
        'Seconds for each request to EWS; a request that takes longer fails the round (the copy keeps serving).',
      type: 'number',
      minimum: 1,
      default: 30,
    },
  },
};
