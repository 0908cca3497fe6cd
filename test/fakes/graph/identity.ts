/**
 * The Entra ID side the token endpoint consults: one tenant (its id and domains, some of them
 * federated), the app registrations that may ask for tokens, and per-user sign-on state for ROPC
 * (passwords and what Entra ID would say instead of a token: locked, MFA required, ...). Users
 * themselves live in the directory; a disabled or deleted directory user is refused as Entra ID
 * refuses them.
 */

export interface AppRegistration {
  readonly clientId: string;
  readonly displayName: string;
  /** Confidential clients authenticate with this; a public client has none. */
  readonly clientSecret?: string;
  /**
   * Certificates (PEM) registered under "Certificates & secrets": a client assertion signed with the
   * private key of one of them authenticates the app instead of the secret (client-assertion.ts).
   */
  readonly certificates?: readonly string[];
  /** "Allow public client flows": no secret, ROPC allowed without one. */
  readonly publicClient?: boolean;
  /** Application permissions (app roles) on Graph, e.g. User.Read.All, OrgContact.Read.All, Contacts.Read, GroupMember.Read.All. */
  readonly applicationPermissions: readonly string[];
  /** Delegated permissions (scopes) on Graph, for ROPC tokens. */
  readonly delegatedPermissions: readonly string[];
  /**
   * Whether an admin consented. Without it Entra ID still issues a client-credentials token, but with
   * no roles, so Graph answers 403 Authorization_RequestDenied.
   */
  readonly adminConsent: boolean;
  /** Switch: the token endpoint itself refuses with AADSTS65001 (consent_required). */
  readonly consentRequiredAtTokenTime?: boolean;
}

/** What Entra ID answers to a ROPC sign-on with the right password, short of a token. */
export type SignOnRefusal =
  'locked' | 'disabled' | 'passwordExpired' | 'mfaRequired' | 'mfaRegistrationRequired' | 'conditionalAccess';

export const DEFAULT_TENANT_ID = '7f3c2a91-5b8e-4d6f-9a1c-2e4b6d8f0a13';

/** The confidential app a `graph` source would register: app-only read permissions, consented. */
export const SYNC_APP: AppRegistration = {
  clientId: '5e0c7d7a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
  displayName: 'dirbridge sync',
  clientSecret: 'fake~secret.value-for-dirbridge-sync',
  applicationPermissions: ['User.Read.All', 'OrgContact.Read.All', 'Contacts.Read', 'GroupMember.Read.All'],
  delegatedPermissions: ['User.Read'],
  adminConsent: true,
};

/** A public client for ROPC sign-on checks. */
export const SIGN_ON_APP: AppRegistration = {
  clientId: '0a6f2b4c-9d8e-4f70-b1a2-c3d4e5f60718',
  displayName: 'dirbridge sign-on',
  publicClient: true,
  applicationPermissions: [],
  delegatedPermissions: ['User.Read', 'Contacts.Read'],
  adminConsent: true,
};

export interface IdentityOptions {
  readonly tenantId?: string;
  readonly tenantName?: string;
  /** Managed (cloud) domains; the first is the default. */
  readonly domains?: readonly string[];
  /** Domains federated to an on-premises IdP (AD FS): ROPC cannot check their passwords. */
  readonly federatedDomains?: readonly string[];
  readonly apps?: readonly AppRegistration[];
}

export class Identity {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly domains: readonly string[];
  readonly federatedDomains: readonly string[];
  readonly #apps = new Map<string, AppRegistration>();
  readonly #passwords = new Map<string, string>();
  readonly #refusals = new Map<string, SignOnRefusal>();

  constructor(options: IdentityOptions = {}) {
    this.tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
    this.tenantName = options.tenantName ?? 'Contoso';
    this.domains = options.domains ?? ['contoso.com', 'contoso.onmicrosoft.com'];
    this.federatedDomains = options.federatedDomains ?? ['ad.contoso.com'];
    for (const app of options.apps ?? [SYNC_APP, SIGN_ON_APP]) this.registerApp(app);
  }

  registerApp(app: AppRegistration): void {
    this.#apps.set(app.clientId.toLowerCase(), app);
  }

  /** Changes an app registration, e.g. `{ adminConsent: false }` or a rotated secret. */
  updateApp(clientId: string, change: Partial<Omit<AppRegistration, 'clientId'>>): AppRegistration {
    const app = this.app(clientId);
    if (app === undefined) throw new Error(`No app registration ${clientId}`);
    const updated = { ...app, ...change };
    this.registerApp(updated);
    return updated;
  }

  app(clientId: string): AppRegistration | undefined {
    return this.#apps.get(clientId.toLowerCase());
  }

  setPassword(userPrincipalName: string, password: string): void {
    this.#passwords.set(userPrincipalName.toLowerCase(), password);
  }

  password(userPrincipalName: string): string | undefined {
    return this.#passwords.get(userPrincipalName.toLowerCase());
  }

  /** Makes ROPC refuse this user (with the right password) as Entra ID would; undefined clears it. */
  setSignOnRefusal(userPrincipalName: string, refusal: SignOnRefusal | undefined): void {
    if (refusal === undefined) this.#refusals.delete(userPrincipalName.toLowerCase());
    else this.#refusals.set(userPrincipalName.toLowerCase(), refusal);
  }

  signOnRefusal(userPrincipalName: string): SignOnRefusal | undefined {
    return this.#refusals.get(userPrincipalName.toLowerCase());
  }

  /** Whether a token URL's tenant segment names this tenant (its id or one of its domains). */
  isThisTenant(segment: string): boolean {
    const lower = segment.toLowerCase();
    return (
      lower === this.tenantId ||
      [...this.domains, ...this.federatedDomains].some((domain) => domain.toLowerCase() === lower)
    );
  }

  isFederated(userPrincipalName: string): boolean {
    const domain = userPrincipalName.slice(userPrincipalName.lastIndexOf('@') + 1).toLowerCase();
    return this.federatedDomains.some((federated) => federated.toLowerCase() === domain);
  }
}
