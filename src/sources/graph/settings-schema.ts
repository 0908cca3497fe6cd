/** The graph source's settings, each default written once here and read from the validated config. */
import type { SourceTypeSchema } from '../../config/source-type-schema.js';
import { WAITERS_PER_SLOT } from './request-slots.js';

export const GRAPH_SETTINGS: SourceTypeSchema['settings'] = {
  required: ['tenant', 'clientId'],
  // The app's credential (credential-settings.ts): a client secret or a certificate, exactly one.
  oneOf: [
    { required: ['clientSecret'], properties: { clientSecret: true } },
    { required: ['certificate'], properties: { certificate: true } },
  ],
  oneOfDescription: 'configured with exactly one of `clientSecret` and `certificate`',
  properties: {
    mode: {
      description: 'Microsoft 365 is always served from a local copy, kept up to date by delta queries.',
      const: 'replica',
      default: 'replica',
    },
    tenant: {
      description: 'The Entra ID tenant: its id (a GUID) or one of its domains (`contoso.onmicrosoft.com`).',
      type: 'string',
      minLength: 1,
      pattern: '^[A-Za-z0-9.-]+$',
      patternDescription: 'a tenant id or domain name',
    },
    clientId: {
      description:
        'The application (client) id of the app registration dirbridge reads with: it needs the application permissions User.Read.All (users), OrgContact.Read.All (organisational contacts) and Contacts.Read (mailbox contacts), GroupMember.Read.All for `mailboxContacts.group`, with admin consent.',
      type: 'string',
      minLength: 1,
    },
    clientSecret: {
      description:
        "The app registration's client secret (its value, not its id); put it in a secret (`${env:NAME}` or `file:`), not in the config. Either this or `certificate` is required.",
      type: 'string',
      minLength: 1,
    },
    certificate: {
      description:
        "Instead of `clientSecret`: a certificate uploaded to the app registration (Certificates & secrets), whose private key signs a short-lived client assertion (RS256, `x5t#S256`) for each token request. `cert` is its PEM file; `key` the PEM file of its unencrypted RSA private key, or the key's PEM text itself from a secret (`key: file:/run/secrets/graph-key.pem` or `${env:NAME}`). Paths are relative to the config file. Either this or `clientSecret` is required.",
      type: 'object',
      additionalProperties: false,
      required: ['cert', 'key'],
      properties: {
        cert: {
          description: 'PEM file of the certificate registered on the app.',
          type: 'string',
          minLength: 1,
        },
        key: {
          description: 'PEM file of its private key, or the PEM text from a secret.',
          type: 'string',
          minLength: 1,
        },
      },
    },
    authorityUrl: {
      description:
        'Where tokens come from: Entra ID worldwide by default; `https://login.microsoftonline.us` or `https://login.chinacloudapi.cn` for national clouds.',
      type: 'string',
      pattern: '^https://[^/]+/?$',
      patternDescription: 'an https:// URL (scheme and host)',
      default: 'https://login.microsoftonline.com',
    },
    graphUrl: {
      description:
        'Microsoft Graph: worldwide by default; `https://graph.microsoft.us`, `https://dod-graph.microsoft.us` or `https://microsoftgraph.chinacloudapi.cn` for national clouds.',
      type: 'string',
      pattern: '^https://[^/]+/?$',
      patternDescription: 'an https:// URL (scheme and host)',
      default: 'https://graph.microsoft.com',
    },
    tls: {
      description:
        'How the certificates of Entra ID and Graph are checked: `ca` is a PEM file of the CAs to trust in addition to the system ones (a TLS-inspecting proxy), relative to the config file.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca: { description: 'PEM file of CA certificates to trust.', type: 'string', minLength: 1 },
      },
    },
    users: {
      description: "Serve the tenant's users (`/users`): `true` (the default) or `false`.",
      type: 'boolean',
      default: true,
    },
    usersFilter: {
      description:
        "An OData filter every user must match to be served, evaluated by dirbridge on each user the delta query returns (Graph's delta takes no filter), e.g. `accountEnabled eq true` or `userType eq 'Member' and startswith(department,'Sales')`. A user who stops matching is removed.",
      type: 'string',
      minLength: 1,
    },
    orgContacts: {
      description:
        "Serve the tenant's organisational contacts (`/contacts`, Exchange mail contacts) as contacts.",
      type: 'boolean',
      default: false,
    },
    mailboxContacts: {
      description:
        "Also serve the personal contacts of these mailboxes (Outlook's Contacts folder and every folder below it) as contacts, each folder followed by its own delta query; needs the application permission Contacts.Read. `mailboxes` lists the mailboxes' users by user principal name or object id, e.g. `mailboxContacts: { mailboxes: [reception@contoso.com] }`; `group` adds every user of a group (nested groups included) by its object id, read again each round, so a member who joins is served at the next round and one who leaves loses their contacts (the application permission GroupMember.Read.All is needed too). At least one of the two. A mailbox Graph does not find (no such user, no Exchange Online mailbox) is left out with a warning and fails `check` (a group member without one is left out and counted), while the users and the other mailboxes are served; at most 4 requests run against one mailbox at a time (Exchange's limit).",
      type: 'object',
      additionalProperties: false,
      properties: {
        mailboxes: {
          description: 'The mailboxes: user principal names (`reception@contoso.com`) or object ids.',
          type: 'array',
          minItems: 1,
          items: {
            type: 'string',
            pattern:
              '^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[^@\\s/\\\\?]+@[^@\\s/\\\\?]+)$',
            patternDescription: "a user principal name (user@domain) or a user's object id (a GUID)",
          },
        },
        group: {
          description:
            "A group's object id (a GUID, from the Entra admin center): the mailboxes of all its users, members of nested groups included, are served too.",
          type: 'string',
          pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$',
          patternDescription: "a group's object id (a GUID)",
        },
      },
    },
    changeInterval: {
      description:
        'Seconds between two delta queries: a change in Microsoft 365 is served within about this long (plus the few minutes Graph may take to report it).',
      type: 'number',
      minimum: 5,
      default: 60,
    },
    reconcileInterval: {
      description:
        "Seconds between two full delta enumerations, applied as a difference: a safety net, since Graph's delta reports changes and deletions itself (a day by default).",
      type: 'number',
      minimum: 60,
      default: 86400,
    },
    timeout: {
      description:
        'Seconds for each request to Entra ID or Graph; a request that takes longer fails the round (the copy keeps serving).',
      type: 'number',
      minimum: 1,
      default: 30,
    },
    // Sign-on (ropc-settings.ts): checking users' passwords with Entra ID.
    signOn: {
      description:
        "`ropc`: a bind to dirbridge as `user@<upnSuffix>` is checked by Entra ID with the resource-owner password grant (ROPC), and Entra ID's verdict is passed back as an LDAP result with the AADSTS reason. Off (`false`) by default: ROPC cannot sign on accounts that need MFA or are blocked by Conditional Access, federated (AD FS) or passwordless accounts, and Microsoft discourages it (see docs/sign-on.md).",
      enum: [false, 'ropc'],
      default: false,
    },
    upnSuffixes: {
      description:
        "With `signOn: ropc`, required: the domains whose `user@<domain>` names this source signs on (the tenant's verified domains that users sign in with, e.g. `contoso.com`). A name is claimed by its form alone, without asking Entra ID, so an unknown name costs what a wrong password costs.",
      type: 'array',
      minItems: 1,
      items: {
        type: 'string',
        pattern: '^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$',
      },
      patternDescription: 'domain names such as contoso.com',
    },
    signOnClientId: {
      description:
        'The app registration ROPC signs users on through. Default: `clientId`, sending `clientSecret` with each request (Entra ID requires a confidential client\'s secret). Another id is taken for a public client ("Allow public client flows" on, delegated User.Read with admin consent) and sent without a secret; a separate app lets Conditional Access policies name exactly dirbridge\'s sign-ons.',
      type: 'string',
      minLength: 1,
    },
    signOnConcurrency: {
      description:
        'Most ROPC requests in flight to Entra ID at once. ' +
        `Up to ${WAITERS_PER_SLOT} more sign-ons per request wait for one (at most \`signOnTimeout\`); any beyond answer busy (51) at once.`,
      type: 'integer',
      minimum: 1,
      maximum: 64,
      default: 4,
    },
    signOnTimeout: {
      description:
        "Seconds a sign-on waits for its turn, and then for Entra ID's answer: one that gets no turn answers busy (51), one that gets no answer unavailable (52).",
      type: 'number',
      minimum: 1,
      default: 10,
    },
  },
};
