/** The google source's settings, each default written once here and read from the validated config. */
import type { SourceTypeSchema } from '../../config/source-type-schema.js';

export const GOOGLE_SETTINGS: SourceTypeSchema['settings'] = {
  // The credential (google-credential.ts): a service account or one account's refresh token.
  oneOf: [
    { required: ['serviceAccountKey'], properties: { serviceAccountKey: true } },
    { required: ['oauth'], properties: { oauth: true } },
  ],
  oneOfDescription: 'configured with exactly one of `serviceAccountKey` and `oauth`',
  properties: {
    mode: {
      description: 'Google Workspace is always served from a local copy, kept up to date by sync tokens.',
      const: 'replica',
      default: 'replica',
    },
    serviceAccountKey: {
      description:
        "The service account's JSON key as Google's console downloads it (type, client_email, client_id, private_key, token_uri, ...): its text from a secret, `file:/run/secrets/google-key.json` or `${env:NAME}`, never in the config itself. The service account needs domain-wide delegation (Admin console, Security > API controls) of the scope `https://www.googleapis.com/auth/directory.readonly` for its client id, and the People API enabled in its project. Either this (with `adminEmail`) or `oauth` is required.",
      type: 'string',
      minLength: 1,
    },
    adminEmail: {
      description:
        'The Workspace user the service account acts as (domain-wide delegation) to read the directory: any user of the domain who may see it, e.g. `dirbridge-reader@example.com`. Required with `serviceAccountKey`.',
      type: 'string',
      pattern: '^[^@\\s]+@[^@\\s]+$',
      patternDescription: 'an e-mail address (user@domain)',
    },
    oauth: {
      description:
        "Instead of `serviceAccountKey`: one account's OAuth refresh token, for a domain without domain-wide delegation or a single Google account. The directory (and, with `userContacts`, which then lists this one account, its own contacts) is read as the account that consented to the scopes `https://www.googleapis.com/auth/directory.readonly` (and `https://www.googleapis.com/auth/contacts.readonly`, `.../contacts.other.readonly` for `otherContacts`). Put `clientSecret` and `refreshToken` in secrets (`${env:NAME}` or `file:`).",
      type: 'object',
      additionalProperties: false,
      required: ['clientId', 'clientSecret', 'refreshToken'],
      properties: {
        clientId: {
          description: 'The OAuth client id (`…apps.googleusercontent.com`) the refresh token was issued to.',
          type: 'string',
          minLength: 1,
        },
        clientSecret: { description: "The OAuth client's secret.", type: 'string', minLength: 1 },
        refreshToken: { description: "The account's refresh token.", type: 'string', minLength: 1 },
      },
    },
    directory: {
      description:
        "Serve the Workspace directory (`people.listDirectoryPeople`): the domain's user profiles as users and its shared contacts as contacts. `true` (the default).",
      type: 'boolean',
      default: true,
    },
    userContacts: {
      description:
        "Also serve the users' own Google Contacts (`people.connections.list` as each user, with a sync token per user) as contacts, each with its user as `owner`: `users` lists them by address, e.g. `userContacts: { users: [reception@example.com] }`. Needs domain-wide delegation of `https://www.googleapis.com/auth/contacts.readonly` too.",
      type: 'object',
      additionalProperties: false,
      required: ['users'],
      properties: {
        users: {
          description: 'The users whose contacts are served, by their primary address.',
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
          patternDescription: 'e-mail addresses (user@domain)',
        },
        otherContacts: {
          description:
            'Also serve their "other contacts" (addresses Gmail collected from mail exchanged, `people.otherContacts.list`: names, addresses and numbers only), as contacts of their user. Needs the scope `https://www.googleapis.com/auth/contacts.other.readonly` too. `false` by default.',
          type: 'boolean',
          default: false,
        },
      },
    },
    tokenUrl: {
      description:
        "Where tokens are asked for: the service account key's `token_uri`, else `https://oauth2.googleapis.com/token`. For a proxy or a test stand-in.",
      type: 'string',
      pattern: '^https?://',
      patternDescription: 'an http(s):// URL',
    },
    rootUrl: {
      description:
        'The People API: `https://people.googleapis.com/` by default. For a proxy or a test stand-in.',
      type: 'string',
      pattern: '^https?://[^/]+/?$',
      patternDescription: 'an http(s):// URL (scheme and host)',
      default: 'https://people.googleapis.com/',
    },
    changeInterval: {
      description:
        'Seconds between two sync-token rounds: a change in Google Workspace is served within about this long (plus the minutes Google may take to report it).',
      type: 'number',
      minimum: 5,
      default: 60,
    },
    timeout: {
      description:
        'Seconds for each request to Google; a request that takes longer fails the round (the copy keeps serving).',
      type: 'number',
      minimum: 1,
      default: 30,
    },
  },
};
