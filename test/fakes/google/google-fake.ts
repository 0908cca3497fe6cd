/**
 * A local stand-in for Google's People API and OAuth token endpoint, faithful to the wire format
 * the real `@googleapis/people` client speaks (CLOUD-APIS.md §2), on 127.0.0.1 and an ephemeral
 * port over plain HTTP. Tests drive it through its control API: seed and change people, grant
 * consent and delegation, expire and revoke tokens, arm faults, read the request log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CountryCode } from 'libphonenumber-js/max';
import { AccessTokens } from './access-tokens.js';
import type { ApiContext } from './api-context.js';
import { quotaExceeded, serverFault } from './api-errors.js';
import { route } from './api-routes.js';
import { DomainDelegation } from './domain-delegation.js';
import { FakeClock } from './fake-clock.js';
import { FaultPlan, type FaultKind } from './fault-plan.js';
import { GoogleDomain } from './google-domain.js';
import type { FakeRequest, FakeResponse } from './http-exchange.js';
import { SCOPES } from './people-scopes.js';
import { directoryPerson, domainContact, personalContact } from './seed-people.js';
import type { PersonRecord } from './person-record.js';
import { RefreshTokens, type OAuthClient, type RefreshGrant } from './refresh-tokens.js';
import { RequestLog } from './request-log.js';
import { createServiceAccount, type ServiceAccount } from './service-account.js';
import type { TokenEndpointContext } from './token-endpoint.js';

export interface GoogleFakeOptions {
  /** The Workspace domain; default `example.com`. */
  readonly domain?: string;
  /** Region national phone numbers are read in for `canonicalForm`; default DE. */
  readonly region?: CountryCode;
  readonly projectId?: string;
  readonly projectNumber?: string;
  /** `expires_in` of issued access tokens; default 3599 as Google's. */
  readonly accessTokenLifetimeSeconds?: number;
  /** Sync tokens expire this long after they were issued; default 7 days. */
  readonly syncTokenTtlMs?: number;
}

export interface ConsentOptions {
  readonly user: string;
  readonly scopes: readonly string[];
  /** Default: the fake's own OAuth client. */
  readonly client?: OAuthClient;
}

/** Every read scope of the People API, what the default service account is delegated. */
export const ALL_READ_SCOPES: readonly string[] = Object.values(SCOPES);

export interface SeedOptions {
  readonly count: number;
  readonly seed?: number;
}

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

export class GoogleFake {
  readonly clock = new FakeClock();
  readonly faults = new FaultPlan();
  readonly requests = new RequestLog();
  readonly accessTokens = new AccessTokens(this.clock);
  readonly delegation = new DomainDelegation();
  readonly domain: GoogleDomain;
  /** The OAuth client (web/desktop app) users consent to. */
  readonly oauthClient: OAuthClient;
  /** A service account delegated every People API read scope. */
  readonly serviceAccount: ServiceAccount;
  readonly projectNumber: string;

  private readonly refreshTokens = new RefreshTokens();
  private readonly serviceAccounts = new Map<string, ServiceAccount>();
  private readonly hung = new Set<ServerResponse>();
  private peopleApiEnabled = true;
  private syncTokensValidFrom = 0;
  private tokenLifetimeSeconds: number;
  private readonly syncTokenTtlMs: number;
  private readonly projectId: string;
  private serviceAccountCount = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    options: GoogleFakeOptions,
  ) {
    this.domain = new GoogleDomain(this.clock, options.domain ?? 'example.com', options.region ?? 'DE');
    this.projectId = options.projectId ?? 'dirbridge-test';
    this.projectNumber = options.projectNumber ?? '123456789012';
    this.tokenLifetimeSeconds = options.accessTokenLifetimeSeconds ?? 3599;
    this.syncTokenTtlMs = options.syncTokenTtlMs ?? SEVEN_DAYS_MS;
    this.oauthClient = this.refreshTokens.addClient();
    this.serviceAccount = this.createServiceAccount('dirbridge');
    this.delegation.set(this.serviceAccount.key.client_id, ALL_READ_SCOPES);
  }

  static async start(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new GoogleFake(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      fake.serve(request, response),
    );
    return fake;
  }

  /** What to pass as `rootUrl` to `people({ version: 'v1', rootUrl, auth })`. */
  get rootUrl(): string {
    return `${this.origin}/`;
  }

  /** The token endpoint: `endpoints.oauth2TokenUrl` of an OAuth2Client, `token_uri` of a key. */
  get tokenUrl(): string {
    return `${this.origin}/token`;
  }

  /** Another service account of the project (no delegation until `delegation.set`). */
  createServiceAccount(name: string): ServiceAccount {
    this.serviceAccountCount += 1;
    const clientId = `1${String(this.serviceAccountCount).padStart(20, '0')}`;
    const account = createServiceAccount({
      name,
      projectId: this.projectId,
      tokenUri: this.tokenUrl,
      clientId,
    });
    this.serviceAccounts.set(account.key.client_email, account);
    return account;
  }

  /** A user consents to an OAuth client: the refresh token the client would store. */
  grantConsent(options: ConsentOptions): RefreshGrant {
    const client = options.client ?? this.oauthClient;
    return this.refreshTokens.grant(client.clientId, options.user, options.scopes);
  }

  addOAuthClient(client?: Partial<OAuthClient>): OAuthClient {
    return this.refreshTokens.addClient(client);
  }

  revokeRefreshToken(refreshToken: string): void {
    this.refreshTokens.revoke(refreshToken);
  }

  setAccessTokenLifetime(seconds: number): void {
    this.tokenLifetimeSeconds = seconds;
  }

  /** Switch the People API off (or on) for the project: calls answer 403 SERVICE_DISABLED. */
  setPeopleApiEnabled(enabled: boolean): void {
    this.peopleApiEnabled = enabled;
  }

  /** Every sync token issued so far is expired from now on, as after seven idle days. */
  expireSyncTokens(): void {
    this.syncTokensValidFrom = this.clock.now() + 1;
  }

  /** A Workspace user: a directory profile with this primary address. */
  addDomainUser(email: string, givenName = 'Test', familyName = 'User'): PersonRecord {
    return this.domain.directory.add({
      names: [{ givenName, familyName }],
      emailAddresses: [{ value: email }],
    });
  }

  /**
   * `count` generated directory profiles (deterministic for a seed) and `domainContacts` shared
   * contacts; returns the profiles, whose addresses are the domain's users.
   */
  seedDirectory(options: SeedOptions & { readonly domainContacts?: number }): PersonRecord[] {
    const seed = options.seed ?? 1;
    const profiles = range(options.count).map((i) =>
      this.domain.directory.add(directoryPerson(i, this.domain.name, seed)),
    );
    for (const i of range(options.domainContacts ?? 0)) {
      this.domain.directory.add(domainContact(i, seed), { sourceType: 'DOMAIN_CONTACT' });
    }
    return profiles;
  }

  /** `count` generated contacts of `user` (connections.list). */
  seedContacts(user: string, options: SeedOptions): PersonRecord[] {
    const contacts = this.domain.contactsOf(user);
    return range(options.count).map((i) => contacts.add(personalContact(i, options.seed ?? 1)));
  }

  /** `count` generated "other contacts" of `user` (otherContacts.list). */
  seedOtherContacts(user: string, options: SeedOptions): PersonRecord[] {
    const others = this.domain.otherContactsOf(user);
    return range(options.count).map((i) => others.add(personalContact(i, (options.seed ?? 1) + 7)));
  }

  /** Answer nothing to the hung requests: their connections are dropped. */
  releaseHung(): void {
    for (const response of this.hung) response.socket?.destroy();
    this.hung.clear();
  }

  async stop(): Promise<void> {
    this.releaseHung();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private apiContext(): ApiContext {
    return {
      domain: this.domain,
      checks: {
        accessTokens: this.accessTokens,
        projectNumber: this.projectNumber,
        peopleApiEnabled: () => this.peopleApiEnabled,
      },
      syncTokens: () => ({
        clock: this.clock,
        ttlMs: this.syncTokenTtlMs,
        validFrom: this.syncTokensValidFrom,
      }),
    };
  }

  private tokenContext(): TokenEndpointContext {
    return {
      clock: this.clock,
      accessTokens: this.accessTokens,
      refreshTokens: this.refreshTokens,
      delegation: this.delegation,
      serviceAccount: (email) => this.serviceAccounts.get(email),
      isDomainUser: (email) => this.domain.isDomainUser(email),
      accessTokenLifetimeSeconds: () => this.tokenLifetimeSeconds,
    };
  }

  private serve(incoming: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', this.origin);
      const request: FakeRequest = {
        method: incoming.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const logged = this.requests.record(request, this.clock.now());
      const fault = this.faults.take(request);
      if (fault === 'hang') {
        this.hung.add(response);
        return;
      }
      const answer =
        fault === undefined
          ? route(request, this.apiContext(), this.tokenContext())
          : this.faultResponse(fault);
      logged.status = answer.status;
      write(response, answer);
    });
  }

  private faultResponse(fault: Exclude<FaultKind, 'hang'>): FakeResponse {
    if (fault === 'quota') return quotaExceeded(this.projectNumber);
    return serverFault(fault === 'internal' ? 500 : 503);
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function write(response: ServerResponse, answer: FakeResponse): void {
  const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
