/**
 * The config schema without the settings of each source type: listeners, TLS, the directory, limits,
 * access and logs, and what every source has (`name`, `type`, `mode`, `map`). config-schema.ts adds
 * each source type's settings from its descriptor; schemas/config.schema.json is generated from both.
 */
import { oneOrList, type JsonSchema } from './json-schema.js';

/** How accounts and listeners name their view. */
const VIEW_NAME = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  patternDescription: 'the name of a view: shipped, defined under `views`, or `presented`',
} as const;

export const BASE_CONFIG_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dirbridge.invalid/schemas/config.schema.json',
  title: 'dirbridge configuration',
  description:
    'The YAML file given to `dirbridge --config`. Every setting except `sources` has a default; unknown keys are errors, so typos are caught.',
  type: 'object',
  additionalProperties: false,
  required: ['sources'],
  properties: {
    listen: {
      description: 'Where dirbridge accepts LDAP connections: one entry per listener.',
      type: 'array',
      minItems: 1,
      default: [
        {
          url: 'ldap://127.0.0.1:1389',
        },
      ],
      items: {
        $ref: '#/$defs/listener',
      },
    },
    listenerThreads: {
      description:
        'Worker threads that accept LDAP connections on the `listen` ports beside the main thread, so that searches use more than one core: each reads the replicas the main thread keeps (shared memory, no copy) and has its own connections to live sources; binds are throttled and operations counted as one server. 0 serves every connection from the main thread. Changing it needs a restart.',
      type: 'integer',
      minimum: 0,
      maximum: 64,
      default: 0,
    },
    tls: {
      description:
        'TLS for LDAP clients: needed by `ldaps://` listeners, and offered through StartTLS on `ldap://` listeners when set. Without it dirbridge speaks plain LDAP only. A client must finish the TLS handshake within 10 seconds (or `limits.idleTimeout`, if shorter).',
      type: 'object',
      additionalProperties: false,
      required: ['cert', 'key'],
      properties: {
        cert: {
          description:
            "PEM file with the server certificate, followed by any intermediate CA certificates; a relative path is read from the config file's folder.",
          type: 'string',
          minLength: 1,
        },
        key: {
          description:
            "PEM file with the unencrypted private key of `cert` (keep it readable by dirbridge only); a relative path is read from the config file's folder.",
          type: 'string',
          minLength: 1,
        },
        ca: {
          description:
            "PEM file with the CA certificates that sign client certificates (needed by `requestClientCert`); a relative path is read from the config file's folder.",
          type: 'string',
          minLength: 1,
        },
        minVersion: {
          description: 'Oldest TLS version accepted; older clients fail the handshake.',
          enum: ['TLSv1.2', 'TLSv1.3'],
          default: 'TLSv1.2',
        },
        requestClientCert: {
          description:
            'Ask every TLS client for a certificate and refuse those without one that `ca` signed (mutual TLS).',
          type: 'boolean',
          default: false,
        },
      },
      if: {
        type: 'object',
        required: ['requestClientCert'],
        properties: {
          requestClientCert: {
            const: true,
          },
        },
      },
      then: {
        properties: {
          ca: true,
        },
        required: ['ca'],
      },
    },
    directory: {
      description: 'The directory tree dirbridge presents and the limits of a search.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        suffix: {
          description: 'Base DN of the tree; each source is mounted at `ou=<source name>,<suffix>`.',
          type: 'string',
          pattern:
            '^[A-Za-z][A-Za-z0-9-]*=(?:[^,\\\\]|\\\\.)+(?:,\\s*[A-Za-z][A-Za-z0-9-]*=(?:[^,\\\\]|\\\\.)+)*$',
          patternDescription: 'a DN such as dc=example,dc=com',
          default: 'dc=dirbridge,dc=local',
        },
        sizeLimit: {
          description: "Most entries an unpaged search returns; a client's smaller limit wins.",
          type: 'integer',
          minimum: 1,
          default: 1000,
        },
        maxPageSize: {
          description:
            'Largest page of a paged search (RFC 2696); paged searches return every entry, in pages of at most this size.',
          type: 'integer',
          minimum: 1,
          default: 1000,
        },
        timeLimit: {
          description: "Seconds a search may run; a client's smaller limit wins.",
          type: 'integer',
          minimum: 1,
          default: 30,
        },
        defaultCountry: {
          description: 'ISO 3166 country code used to read national numbers such as `030 123456`.',
          type: 'string',
          pattern: '^[A-Z]{2}$',
          patternDescription: 'two upper-case letters such as DE',
          default: 'DE',
        },
        dataDir: {
          description:
            "Folder where replicas keep their snapshots (a restart answers from them at once, marked stale, then catches up with the source) and where `dirbridge sync` leaves an operator's word; created if missing, readable by dirbridge only. A relative path is read from the config file's folder. Absent: no snapshots, and every start loads every replica in full.",
          type: 'string',
          minLength: 1,
        },
      },
    },
    limits: {
      description:
        'Protection against overload and hostile clients. For clients that send requests but do not read the answers: once `maxQueuedBytes` of answers wait on one connection, dirbridge produces no more entries for it and reads no more of its requests until the client reads, and a connection whose client has taken nothing of its answers for `writeTimeout` seconds is closed and its searches stopped. Any byte taken counts, so a slow reader (a large export over a slow link) is not cut however long the whole answer takes. The kernel reports progress in bursts, though: Linux wakes a sender when a third of its send buffer is free, up to about 1.5 MB once the buffers have grown on a fast network, so a reader must take at least that much per `writeTimeout` (50 kB/s at the default 30 s).',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxConnections: {
          description: 'Most simultaneous client connections; further connections are refused.',
          type: 'integer',
          minimum: 1,
          default: 4096,
        },
        shutdownTimeout: {
          description:
            'Seconds a stopping server (SIGTERM, SIGINT) lets the operations under way finish: it stops listening at once, closes each connection as soon as it has nothing under way (telling the client it is shutting down), and closes what is left when this runs out.',
          type: 'number',
          minimum: 0,
          default: 10,
        },
        idleTimeout: {
          description:
            'Seconds a connection may stay silent with no operation outstanding before it is closed.',
          type: 'integer',
          minimum: 1,
          default: 900,
        },
        requestTimeout: {
          description:
            'Seconds a request may take to arrive in full once it has started; a slower client is disconnected (a client trickling in a byte now and then never looks idle).',
          type: 'integer',
          minimum: 1,
          default: 30,
        },
        writeTimeout: {
          description:
            'Seconds the answers queued on a connection may wait without the client taking any of them before the connection is closed; a client that reads, however slowly, is not cut.',
          type: 'integer',
          minimum: 1,
          default: 30,
        },
        maxRequestBytes: {
          description: 'Largest LDAP message accepted, in bytes; a bigger one closes the connection.',
          type: 'integer',
          minimum: 1024,
          default: 1048576,
        },
        maxQueuedBytes: {
          description:
            'Bytes of answers that may wait to be sent on one connection; beyond it dirbridge stops producing entries for that connection, and reading its requests, until the client reads (at most one more answer is queued past it).',
          type: 'integer',
          minimum: 16384,
          default: 1048576,
        },
        maxFilterDepth: {
          description:
            'Deepest nesting of a search filter. At most 256, so evaluating a filter never runs out of stack.',
          type: 'integer',
          minimum: 1,
          default: 64,
          maximum: 256,
        },
        maxFilterNodes: {
          description: 'Most elements in one search filter.',
          type: 'integer',
          minimum: 1,
          default: 2048,
          maximum: 100000,
        },
        maxFilterEvaluations: {
          description:
            'Most filter items one search may test against entries (per page of a paged search); an extensible match without an attribute counts once per attribute it visits. A search that needs more answers adminLimitExceeded (11). Phone lookups and a paged import of 100,000 people with a 10-term filter stay well under the default.',
          type: 'integer',
          minimum: 1000,
          default: 2000000,
        },
      },
    },
    access: {
      description:
        "Who may bind and what each caller may search. A bind with a password over plain LDAP answers strongerAuthRequired (8) unless the client's address is trusted; failed binds are throttled.",
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        anonymous: {
          description:
            'What an anonymous bind may search: `false` (nothing: its searches answer insufficientAccessRights, 50), `true` (every source) or `{ read: [source names] }`. The root DSE and the schema are always readable; sensitive attributes never are.',
          anyOf: [
            {
              type: 'boolean',
            },
            {
              type: 'object',
              additionalProperties: false,
              required: ['read'],
              properties: {
                read: {
                  description: 'The sources anonymous binds may search.',
                  $ref: '#/$defs/readGrant',
                },
              },
            },
          ],
          patternDescription: 'true, false, or a mapping with `read` (a list of source names, or `all`)',
          default: false,
        },
        accounts: {
          description:
            'Local service accounts for the PBX and the phones. Each has `name` (bind as `<name>`, any case, or as `cn=<name>,<suffix>`), `passwordHash` (what `dirbridge hash-password` prints), `read` (the sources it may search, or `all`, the default), `sensitive` (which of `userPassword` and `wuserPasswordSip` it may read and filter on; default none) and `view` (the names its clients see attributes under, e.g. `seed-ad` for a PBX importing with its AD map: see docs/views.md; otherwise the one of its listener applies).',
          type: 'array',
          default: [],
          items: {
            $ref: '#/$defs/account',
          },
        },
        trustedAddresses: {
          description:
            "Client addresses and CIDR ranges, IPv4 or IPv6 (`192.0.2.10`, `10.1.0.0/16`, `fd00::/8`), that may bind with a password over plain LDAP (many PBXs and phones speak nothing else) and whose failed binds are never counted per address (the PBX makes every user's sign-on). Everyone else needs LDAPS or StartTLS to send a password.",
          type: 'array',
          default: [],
          items: {
            type: 'string',
            minLength: 1,
          },
        },
        trustLoopback: {
          description:
            'Whether loopback clients (127.0.0.0/8, ::1) are trusted like `trustedAddresses`. `false` holds them to the rules for everyone else.',
          type: 'boolean',
          default: true,
        },
        throttle: {
          description:
            'Slowing down password guessing. After `loginFailures` failed binds for one login, each further bind for it is answered only after `delay` seconds, doubling up to `maxDelay`; binds still under way count too, so guesses sent at once get no more fast answers than guesses sent one by one. A name nobody owns is a login of its own. Every failed bind from a client address that is not trusted is also counted per address, whoever owns the name, and from `addressFailures` on every bind from that address waits, so the wait never tells which names exist (trusted addresses are never counted). One failure is forgotten every `decay` seconds. Other connections are never held up.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            loginFailures: {
              description: 'Failed binds of one login before its binds are delayed.',
              type: 'integer',
              minimum: 1,
              default: 5,
            },
            addressFailures: {
              description:
                'Failed binds from one client address that is not trusted (an IPv6 /64), for any name, before every bind from it is delayed. Keep it high: many users may share an address behind NAT.',
              type: 'integer',
              minimum: 1,
              default: 50,
            },
            delay: {
              description:
                'Seconds the first delayed bind waits; each further failure doubles it. `0` turns throttling off.',
              type: 'number',
              minimum: 0,
              default: 1,
            },
            maxDelay: {
              description: 'Longest a bind waits, in seconds.',
              type: 'number',
              minimum: 0,
              default: 30,
            },
            decay: {
              description: 'Seconds after which one counted failure is forgotten.',
              type: 'number',
              minimum: 1,
              default: 60,
            },
            maxTracked: {
              description:
                'Most logins, and most client addresses, whose failures are remembered; the least recently seen are forgotten first.',
              type: 'integer',
              minimum: 100,
              default: 10000,
            },
          },
        },
        signedOn: {
          description:
            'What users who signed on through a source (a bind delegated to AD, Domino or LDAP and accepted there) may search, read-only: `read` is a list of source names or `all`. Default: only the source they signed on through. Sensitive attributes are never shown to them.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            read: {
              description:
                'The sources signed-on users may search (default: the one each signed on through).',
              $ref: '#/$defs/readGrant',
            },
          },
        },
      },
    },
    log: {
      description:
        'Logging: JSON lines on standard error (standard output carries only what the CLI prints for people).',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: {
          description: 'Least severe level written.',
          enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
          default: 'info',
        },
      },
    },
    admin: {
      description:
        "An HTTP listener for the people and tools that watch dirbridge: Prometheus metrics at `/metrics`, `/healthz` (the process answers), `/readyz` (every source serves: see a source's `maxStale`) and a status page for people at `/status` (sources, field maps, a test search and a test bind). Off unless set. Keep it on loopback or a management network; with `token`, every path but `/healthz` needs `Authorization: Bearer <token>`, or the token as the password of HTTP Basic (what a browser sends; any user name).",
      type: 'object',
      additionalProperties: false,
      required: ['listen'],
      properties: {
        listen: {
          description: 'Where it listens: `http://host:port`, e.g. `http://127.0.0.1:9389`.',
          type: 'string',
          pattern: '^http://(\\[[0-9A-Fa-f:.]+\\]|[^/:\\s]+):[0-9]{1,5}/?$',
          patternDescription: 'http://host:port',
        },
        token: {
          description:
            'A token the listener asks for, as a bearer token or as the HTTP Basic password (from a secret: `${env:NAME}` or `file:`); at least 16 characters.',
          type: 'string',
          minLength: 16,
        },
        hosts: {
          description:
            'Without `token`, the DNS names the listener answers to (the Host a browser or scraper sends, e.g. `dirbridge.example.com`); IP addresses and `localhost` are always answered. A request for any other name gets 403: a web page can point a name of its own at this listener (DNS rebinding) and read it as if it were its own site. `/healthz` answers every name.',
          type: 'array',
          items: {
            type: 'string',
            minLength: 1,
            pattern: '^[A-Za-z0-9.-]+$',
            patternDescription: 'a DNS name',
          },
        },
      },
    },
    views: {
      description:
        "Views of your own, by name: each maps the names a client (a PBX's fixed import map) uses to the presented attributes they show, e.g. `{ extension: ipPhone }`. Accounts and listeners choose one with `view`. Besides these, `seed-ad`, `seed-domino` and `seed-office365` are shipped, and `presented` renames nothing. A presented attribute a view shows under another name is no longer seen under its own, unless the view gives that name to another attribute (a swap). Refused at load: an unknown presented attribute, two names for one attribute, a name that is a presented attribute the view leaves visible, and any renaming of `userPassword` or `wuserPasswordSip`. See docs/views.md.",
      type: 'object',
      default: {},
      propertyNames: {
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      },
      additionalProperties: {
        description: 'One view: client name -> presented attribute.',
        type: 'object',
        propertyNames: {
          pattern: '^[A-Za-z][A-Za-z0-9-]*$',
        },
        additionalProperties: {
          type: 'string',
          pattern: '^[A-Za-z][A-Za-z0-9-]*$',
          patternDescription: 'the name of a presented attribute',
        },
      },
    },
    sources: {
      description: 'The directories dirbridge answers from, in the order their entries are merged.',
      type: 'array',
      minItems: 1,
      items: {
        $ref: '#/$defs/source',
      },
    },
  },
  $defs: {
    account: {
      description: 'A local service account.',
      type: 'object',
      additionalProperties: false,
      required: ['name', 'passwordHash'],
      properties: {
        name: {
          description:
            'Bind name: `<name>` in any case, or the DN `cn=<name>,<suffix>`. Who am I? answers `dn:cn=<name>,<suffix>`.',
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
          patternDescription: "made of letters, digits, '.', '_' and '-', starting with a letter or digit",
        },
        passwordHash: {
          description:
            'The password as `dirbridge hash-password` prints it (`$scrypt$N=…,r=…,p=…$<salt>$<hash>`); may come from `${env:NAME}` or `file:<path>`.',
          type: 'string',
          minLength: 1,
        },
        read: {
          description: 'The sources this account may search.',
          $ref: '#/$defs/readGrant',
          default: 'all',
        },
        sensitive: {
          description:
            'Sensitive attributes this account may read and use in filters; withheld from everyone else.',
          type: 'array',
          uniqueItems: true,
          items: {
            enum: ['userPassword', 'wuserPasswordSip'],
          },
          default: [],
        },
        view: {
          description:
            "The names this account's clients see attributes under: a shipped view (`seed-ad`, `seed-domino`, `seed-office365`), one defined under `views`, or `presented` (no renaming, whatever the listener's view). Wins over the listener's `view`. See docs/views.md.",
          ...VIEW_NAME,
        },
      },
    },
    readGrant: {
      description:
        'Sources a caller may search: `all` (every source, including ones added later) or a list of source names.',
      anyOf: [
        {
          const: 'all',
        },
        {
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
            minLength: 1,
          },
        },
      ],
      patternDescription: '`all` or a list of source names',
    },
    listener: {
      description: 'One listening socket.',
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: {
          description:
            '`ldap://host:port` (plain LDAP; StartTLS when `tls` is set; port 389 if omitted) or `ldaps://host:port` (LDAP over TLS, which needs `tls`; port 636 if omitted); use `0.0.0.0` or `[::]` to listen on every address.',
          type: 'string',
          pattern: '^ldaps?://(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?/?$',
          patternDescription: 'an ldap:// or ldaps:// URL such as ldap://0.0.0.0:1389',
        },
        proxyProtocol: {
          description:
            "For a listener behind a TCP balancer (HAProxy's `send-proxy` or `send-proxy-v2`): every connection comes from one of the balancers in `from` and starts with a PROXY protocol header (version 1 or 2) naming the client, whose address dirbridge then uses as the connection's (trusted addresses, bind throttling, logs). A connection from any other address, or without a valid header within the idle timeout, is closed. Absent: connections are the clients' own.",
          type: 'object',
          additionalProperties: false,
          required: ['from'],
          properties: {
            from: {
              description: "The balancers' addresses or CIDR ranges, as they connect to dirbridge.",
              type: 'array',
              minItems: 1,
              items: { type: 'string', minLength: 1 },
            },
          },
        },
        view: {
          description:
            'The names the clients of this listener see attributes under (a view: see `access.accounts[].view`), unless their account names its own. See docs/views.md.',
          ...VIEW_NAME,
        },
      },
    },
    source: {
      description: 'One directory to answer from. Settings beyond these depend on `type`.',
      type: 'object',
      required: ['name', 'type'],
      properties: {
        name: {
          description: 'Unique name of the source; its entries sit under `ou=<name>,<suffix>`.',
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
          patternDescription: "made of letters, digits, '.', '_' and '-', starting with a letter or digit",
        },
        type: {
          description: 'Kind of backend.',
          type: 'string',
        },
        mode: {
          description:
            "`live` sends every search to the backend; `replica` answers from a local copy. Default: the type's own.",
          enum: ['live', 'replica'],
        },
        maxStale: {
          description:
            "Seconds a replica may serve a stale copy (its backend not answering) and still count as ready at the admin listener's `/readyz`, so that a load balancer prefers an instance with current data. A live source is ready whatever its last search met: each search reaches the backend itself.",
          type: 'number',
          minimum: 0,
          default: 3600,
        },
        maxDeletes: {
          description:
            'Most entries one sync of a replica may delete: a count (`250`) or a share of the copy (`10%`, never fewer than 10 entries). A sync that would delete more is held: the copy before it keeps serving, cn=Monitor, `dirbridge status` and `dirbridge check` say why, until an operator runs `dirbridge sync --accept-deletes <source>`. A wrong base DN or a service account that lost its rights looks like everyone leaving; this keeps it from emptying the phonebook.',
          anyOf: [
            { type: 'integer', minimum: 0 },
            { type: 'string', pattern: '^(?:100|[0-9]{1,2}(?:\\.[0-9]+)?)%$' },
          ],
          patternDescription: 'a whole number such as 250, or a percentage such as 10%',
          default: '10%',
        },
        map: {
          description:
            "Presented attribute -> source field, applied over the type's default map (e.g. `telephoneNumber: OfficePhoneNumber`). A list of fields is a fallback list: the first field a record holds fills the attribute (e.g. `userPrincipalName: [userPrincipalName, mail, InternetAddress]`), and a search on the attribute is sent to the backend as a search on any of them. Field names are compared without regard to case.",
          type: 'object',
          propertyNames: {
            pattern: '^[A-Za-z][A-Za-z0-9-]*$',
          },
          additionalProperties: {
            anyOf: oneOrList({ type: 'string', minLength: 1 }),
            patternDescription: 'a field name, or a non-empty list of field names',
          },
        },
      },
    },
  },
};
