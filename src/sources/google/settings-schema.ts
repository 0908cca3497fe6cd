/** The google source's settings, each default written once here and read from the validated config. */
import type { SourceTypeSchema } from '../../config/source-type-schema.js';

export const GOOGLE_SETTINGS: SourceTypeSchema['settings'] = {
  required: ['serviceAccountKey', 'adminEmail'],
  properties: {
    mode: {
      description: 'Google Workspace is always served from a local copy, kept up to date by sync tokens.',
      const: 'replica',
      default: 'replica',
    },
    serviceAccountKey: {
      description:
        "The service account's JSON key as Google's console downloads it (type, client_email, client_id, private_key, token_uri, ...): its text from a secret, `file:/run/secrets/google-key.json` or `${env:NAME}`, never in the config itself. The service account needs domain-wide delegation (Admin console, Security > API controls) of the scope `https://www.googleapis.com/auth/directory.readonly` for its client id, and the People API enabled in its project.",
      type: 'string',
      minLength: 1,
    },
    adminEmail: {
      description:
        'The Workspace user the service account acts as (domain-wide delegation) to read the directory: any user of the domain who may see it, e.g. `dirbridge-reader@example.com`.',
      type: 'string',
      pattern: '^[^@\\s]+@[^@\\s]+$',
      patternDescription: 'an e-mail address (user@domain)',
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
      },
    },
    tokenUrl: {
      description:
        "Where service-account tokens are asked for: the key's `token_uri` by default (`https://oauth2.googleapis.com/token`). For a proxy or a test stand-in.",
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
