/**
 * Sign-on for cloud-only tenants (`signOn: ropc`, docs/sign-on.md): a bind as `user@<upnSuffix>` is
 * checked by Entra ID with the resource-owner password grant (CLOUD-APIS.md §1.4), and its verdict
 * passed back as an LDAP result (ropc-verdict.ts).
 *
 * The names are claimed by their form alone, as the ad source claims UPNs: nobody asks Graph whether
 * `someone@contoso.com` exists, so a name nobody has goes to Entra ID as a wrong password does, costs
 * what it costs, counts under the same throttle key, and is answered with the same words. Each
 * password is sent once, never retried, so Entra ID's smart lockout sees exactly the user's own
 * attempts; at most `signOnConcurrency` requests are in flight (request-slots.ts).
 */
import { jsonObject, networkReason } from './http-answer.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { fetch, type Dispatcher } from 'undici';
import type { AuthVerdict, CheckStep, LoginRef, SourceRecord } from '../source.js';
import { CREDENTIALS_REFUSED, ropcVerdict, type RopcVerdict } from './ropc-verdict.js';
import type { RopcSettings } from './ropc-settings.js';
import { RequestSlots } from './request-slots.js';

/** How long a domain's realm (managed or federated) is trusted before it is asked again. */
const REALM_TTL_MS = 60 * 60_000;
/** How long a failed realm lookup waits before the next. */
const REALM_RETRY_MS = 60_000;

/** What `/common/userrealm` says of a domain. */
export type Realm = 'managed' | 'federated' | 'unknown';

/** What the sign-on needs of the rest of the source. */
export interface RopcLookups {
  /** The UPN of the source's user with this object id; undefined when there is none. */
  userPrincipalName(id: string, signal: AbortSignal): Promise<string | undefined>;
  /** The record of a signed-on user, if the source serves it (its id is enough). */
  servedRecord(id: string, signal: AbortSignal): Promise<SourceRecord | undefined>;
}

export class RopcSignOn {
  readonly #slots: RequestSlots;
  readonly #realms = new Map<string, { readonly realm: Realm | undefined; readonly until: number }>();
  /** Realm lookups under way, one per domain however many refusals wait for it. */
  readonly #asking = new Map<string, Promise<Realm | undefined>>();

  constructor(
    private readonly source: string,
    readonly settings: RopcSettings,
    private readonly dispatcher: Dispatcher,
    private readonly lookups: RopcLookups,
  ) {
    this.#slots = new RequestSlots(settings.concurrency, settings.timeoutMs);
  }

  /** `user@<suffix>` for one of the configured suffixes, as it was written; else undefined. */
  resolveLogin(name: string): LoginRef | undefined {
    const account = this.#claim(name);
    return account === undefined ? undefined : { source: this.source, account };
  }

  /** The throttle's key: the UPN lower-cased, as Entra ID compares UPNs. */
  loginKey(name: string): string | undefined {
    return this.#claim(name)?.toLowerCase();
  }

  /** A presented entry's login: its user's UPN, asked of Graph (undefined for no such user). */
  async loginOfRecord(recordId: string, signal: AbortSignal): Promise<LoginRef | undefined> {
    const upn = await this.lookups.userPrincipalName(recordId, signal);
    return upn === undefined ? undefined : { source: this.source, account: upn, recordId };
  }

  async authenticate(login: LoginRef, password: string, signal: AbortSignal): Promise<AuthVerdict> {
    // Never sent: nothing good comes of asking Entra ID about an empty password.
    if (password === '') return { ok: false, code: 'invalidCredentials', diagnostic: 'empty password' };
    // This source gives neither; should one come, it is refused as a wrong password is.
    if (login.decoy || login.ambiguous !== undefined)
      return { ok: false, code: 'invalidCredentials', diagnostic: CREDENTIALS_REFUSED };
    const verdict = await this.#check(login.account, password, signal);
    if (!verdict.ok) {
      const { credentials, ...refusal } = verdict;
      if (!credentials) return refusal;
      const note = await this.#realmNote(login.account);
      return note === undefined ? refusal : { ...refusal, diagnostic: `${refusal.diagnostic}; ${note}` };
    }
    if (verdict.userId === undefined) return { ok: true };
    const record = await this.lookups.servedRecord(verdict.userId, signal).catch(() => undefined);
    return record ? { ok: true, record } : { ok: true };
  }

  /**
   * What `check` says of sign-on: what ROPC cannot do; whether Entra ID takes ROPC requests from the
   * app (a made-up user is asked for, and refused as unknown: nobody's account is tried); and
   * whether each suffix is a managed domain of the tenant.
   */
  async checkSteps(): Promise<CheckStep[]> {
    const { clientId, clientIdSetting, upnSuffixes } = this.settings;
    const app = `${clientIdSetting} ${clientId} (${clientIdSetting === 'clientId' ? 'with clientSecret' : 'a public client'})`;
    const steps: CheckStep[] = [
      {
        step: 'signOn',
        ok: true,
        warning: true,
        detail: `ropc: passwords of ${upnSuffixes.map((s) => `user@${s}`).join(', ')} are checked by Entra ID through ${app}. ROPC cannot sign on accounts that must use MFA or that Conditional Access blocks, federated (AD FS) accounts unless a Home Realm Discovery policy allows cloud password validation, passwordless accounts, personal Microsoft accounts, or passwords with leading or trailing spaces; Microsoft discourages ROPC`,
      },
    ];
    const probe = await this.#check(
      `dirbridge-check-${randomUUID()}@${upnSuffixes[0]!}`,
      randomBytes(24).toString('base64url'),
      new AbortController().signal,
    );
    steps.push(
      !probe.ok && probe.credentials
        ? { step: 'signOn app', ok: true, detail: `Entra ID takes ROPC requests from ${app}` }
        : {
            step: 'signOn app',
            ok: false,
            detail: probe.ok
              ? `${new URL(this.settings.tokenUrl).origin} signed on a made-up user with a random password: it is not Entra ID (check authorityUrl)`
              : probe.diagnostic,
          },
    );
    const realms = await Promise.all(
      upnSuffixes.map(async (suffix) => [suffix, await this.#realm(suffix)] as const),
    );
    const words = realms.map(
      ([suffix, realm]) =>
        `${suffix}: ${realm === undefined ? 'realm unknown (Entra ID did not answer)' : REALM_WORDS[realm]}`,
    );
    steps.push({
      step: 'signOn domains',
      ok: realms.every(([, realm]) => realm !== 'unknown'),
      ...(realms.some(([, realm]) => realm !== 'managed') ? { warning: true } : {}),
      detail: words.join('; '),
    });
    return steps;
  }

  #claim(name: string): string | undefined {
    const at = name.lastIndexOf('@');
    if (at <= 0 || at === name.length - 1) return undefined;
    return this.settings.upnSuffixes.includes(name.slice(at + 1).toLowerCase()) ? name : undefined;
  }

  /** One ROPC request in its turn, or busy when no turn came. */
  async #check(account: string, password: string, signal: AbortSignal): Promise<RopcVerdict> {
    if (!(await this.#slots.take(signal))) {
      const { running, waiting } = this.#slots;
      return {
        ok: false,
        code: 'busy',
        diagnostic: `source ${this.source}: ${running} sign-on check${running === 1 ? '' : 's'} already running, ${waiting} waiting; try again`,
      };
    }
    try {
      return await this.#ask(account, password);
    } finally {
      this.#slots.release();
    }
  }

  /** POSTs the password grant (never retried: one bind is one sign-in attempt at Entra ID). */
  async #ask(account: string, password: string): Promise<RopcVerdict> {
    const { tokenUrl, clientId, clientSecret, scope, timeoutMs } = this.settings;
    const origin = new URL(tokenUrl).origin;
    try {
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: clientId,
          ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
          scope,
          username: account,
          password,
        }).toString(),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const verdict = ropcVerdict(
        response.status,
        jsonObject(await response.text()),
        this.settings,
        response.headers.get('retry-after'),
      );
      return verdict.ok || verdict.code === 'invalidCredentials'
        ? verdict
        : { ...verdict, diagnostic: `source ${this.source}: ${verdict.diagnostic}` };
    } catch (error) {
      const why =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${timeoutMs / 1000} s`
          : networkReason(error);
      return {
        ok: false,
        code: 'unavailable',
        diagnostic: `source ${this.source}: cannot reach ${origin}: ${why}`,
      };
    }
  }

  /** Why a domain's wrong passwords may not be wrong at all: it is federated, or not the tenant's. */
  async #realmNote(account: string): Promise<string | undefined> {
    const domain = account.slice(account.lastIndexOf('@') + 1).toLowerCase();
    const realm = await this.#realm(domain);
    if (realm === 'federated')
      return `${domain} is federated (AD FS): Entra ID checks its passwords with ROPC only where a Home Realm Discovery policy allows cloud password validation`;
    if (realm === 'unknown') return `${domain} is not a domain of the tenant: check upnSuffixes`;
    return undefined;
  }

  /** A domain's realm, asked of `/common/userrealm` once an hour; undefined when it cannot be told. */
  async #realm(domain: string): Promise<Realm | undefined> {
    const known = this.#realms.get(domain);
    if (known && Date.now() < known.until) return known.realm;
    let asking = this.#asking.get(domain);
    if (!asking) {
      asking = this.#askRealm(domain).then((realm) => {
        this.#realms.set(domain, {
          realm,
          until: Date.now() + (realm === undefined ? REALM_RETRY_MS : REALM_TTL_MS),
        });
        this.#asking.delete(domain);
        return realm;
      });
      this.#asking.set(domain, asking);
    }
    return asking;
  }

  async #askRealm(domain: string): Promise<Realm | undefined> {
    try {
      // The answer is the domain's: any name in it will do (the suffixes' pattern keeps the URL plain).
      const response = await fetch(`${this.settings.realmUrl}dirbridge@${domain}?api-version=1.0`, {
        headers: { accept: 'application/json' },
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      if (!response.ok) return undefined;
      const type = jsonObject(await response.text())?.account_type;
      if (type === 'Managed') return 'managed';
      if (type === 'Federated') return 'federated';
      return type === 'Unknown' ? 'unknown' : undefined;
    } catch {
      return undefined;
    }
  }
}

const REALM_WORDS: Readonly<Record<Realm, string>> = {
  managed: 'managed (Entra ID checks its passwords)',
  federated:
    'federated (AD FS): ROPC cannot check its passwords unless a Home Realm Discovery policy allows cloud password validation',
  unknown: 'not a domain of this tenant: check upnSuffixes',
};
