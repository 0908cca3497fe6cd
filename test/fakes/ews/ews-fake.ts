/**
 * A local Exchange (2013–2019/SE) EWS endpoint for tests, and the handles to steer it: accounts and
 * tokens, mailboxes and public folders with their contacts, the GAL, sync states, injected faults and
 * the request log. It listens on HTTPS with the project's test CA (and on plain HTTP if asked), at
 * `/EWS/Exchange.asmx`, and is driven by the real ews-javascript-api in its own tests.
 */
import { readFileSync } from 'node:fs';
import { ensureTestCa } from '../../../scripts/test-backends/test-ca.js';
import { Accounts } from './auth/accounts.js';
import type { AuthScheme } from './auth/authenticate.js';
import { BearerTokens } from './auth/bearer.js';
import { NtlmHandshakes } from './auth/ntlm-handshake.js';
import type { ChallengeTarget } from './auth/ntlm-messages.js';
import { EWS_PATH, EwsEndpoint } from './ews-endpoint.js';
import { FaultInjector } from './faults/fault-injector.js';
import { listen, type Listener, type RequestHandler } from './http-listener.js';
import { DEFAULT_LIMITS, type ServerLimits } from './operations/operation-context.js';
import { RequestLog } from './request-log.js';
import { DEFAULT_SERVER_VERSION, type ServerVersion } from './soap/envelope.js';
import { Gal } from './store/gal.js';
import { MailboxStore } from './store/mailbox-store.js';
import { SyncStates } from './sync/sync-states.js';

export interface EwsFakeOptions {
  /** Also listen on plain HTTP (`httpUrl`); HTTPS is always on. */
  readonly plainHttp?: boolean;
  /** The schemes IIS offers, in its order (default Negotiate, NTLM, Basic, Bearer). */
  readonly authSchemes?: readonly AuthScheme[];
  readonly serverVersion?: ServerVersion;
  readonly limits?: Partial<ServerLimits>;
  readonly ntlmTarget?: ChallengeTarget;
  /** The test CA's folder (default: scripts/test-backends/test-ca.ts's). */
  readonly caFolder?: string;
}

const HOST = '127.0.0.1';

export const DEFAULT_NTLM_TARGET: ChallengeTarget = {
  domain: 'CONTOSO',
  server: 'EXCH01',
  dnsDomain: 'contoso.com',
  dnsServer: 'exch01.contoso.com',
};

export class EwsFake {
  readonly accounts = new Accounts();
  readonly tokens = new BearerTokens();
  readonly store = new MailboxStore();
  readonly gal = new Gal();
  readonly syncStates = new SyncStates();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();

  private constructor(
    /** `https://127.0.0.1:<port>/EWS/Exchange.asmx`. */
    readonly url: string,
    /** The plain-HTTP endpoint, when asked for. */
    readonly httpUrl: string | undefined,
    /** PEM of the CA that signed the fake's certificate, for clients to trust. */
    readonly caCertificate: string,
    private readonly listeners: readonly Listener[],
  ) {}

  static async start(options: EwsFakeOptions = {}): Promise<EwsFake> {
    const ca = ensureTestCa(options.caFolder);
    // The endpoint needs the fake's parts and the fake needs the listeners' ports: bind late.
    const late: { endpoint?: EwsEndpoint } = {};
    const handler: RequestHandler = (request, response, body) =>
      late.endpoint!.handle(request, response, body);
    const tls = { cert: readFileSync(ca.serverCert, 'utf8'), key: readFileSync(ca.serverKey, 'utf8') };
    const https = await listen(handler, HOST, tls);
    const http = options.plainHttp === true ? await listen(handler, HOST, undefined) : undefined;
    const fake = new EwsFake(
      https.origin + EWS_PATH,
      http === undefined ? undefined : http.origin + EWS_PATH,
      readFileSync(ca.caCert, 'utf8'),
      http === undefined ? [https] : [https, http],
    );
    late.endpoint = fake.endpoint(options);
    return fake;
  }

  /** The primary SMTP address's Contacts folder id (throws for an unknown mailbox). */
  contactsFolderId(smtp: string): string {
    const mailbox = this.store.mailbox(smtp);
    if (mailbox === undefined) throw new Error(`no mailbox ${smtp}`);
    return mailbox.contactsId;
  }

  /** The id of a folder under a parent, by display name (throws when there is none). */
  folderIdByName(parentId: string, displayName: string): string {
    const folder = this.store
      .childFolders(parentId)
      .find((candidate) => candidate.displayName === displayName);
    if (folder === undefined) throw new Error(`no folder ${displayName} under ${parentId}`);
    return folder.id;
  }

  async close(): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener.close()));
  }

  private endpoint(options: EwsFakeOptions): EwsEndpoint {
    return new EwsEndpoint({
      auth: {
        settings: {
          schemes: options.authSchemes ?? ['negotiate', 'ntlm', 'basic', 'bearer'],
          realm: HOST,
          tenantId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
        },
        accounts: this.accounts,
        tokens: this.tokens,
        ntlm: new NtlmHandshakes(this.accounts, options.ntlmTarget ?? DEFAULT_NTLM_TARGET),
      },
      store: this.store,
      gal: this.gal,
      syncStates: this.syncStates,
      faults: this.faults,
      log: this.log,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      serverVersion: options.serverVersion ?? DEFAULT_SERVER_VERSION,
    });
  }
}
