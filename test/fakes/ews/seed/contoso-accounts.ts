/**
 * Contoso's sign-ins: users with mailboxes (one with a non-ASCII password), a mailbox-less service
 * account holding ApplicationImpersonation, a helpdesk account with FullAccess to alice's mailbox,
 * and OAuth tokens (app-only with and without full_access_as_app, delegated JWT-shaped, revoked).
 */
import type { EwsFake } from '../ews-fake.js';

function jwt(claims: Record<string, string | number>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256', x5t: 'fake' })}.${part(claims)}.${Buffer.from('fake signature').toString('base64url')}`;
}

export const CONTOSO = {
  alice: {
    signIn: 'CONTOSO\\alice',
    upn: 'alice@contoso.com',
    password: 'Pa55w0rd!',
    smtp: 'alice@contoso.com',
  },
  joerg: {
    signIn: 'CONTOSO\\joerg',
    upn: 'joerg.mueller@contoso.com',
    password: 'Grüße-2024!',
    smtp: 'joerg.mueller@contoso.com',
  },
  service: {
    signIn: 'CONTOSO\\svc-dirbridge',
    upn: 'svc-dirbridge@contoso.com',
    password: 'S3rvice!Acc0unt',
  },
  helpdesk: {
    signIn: 'CONTOSO\\helpdesk',
    upn: 'helpdesk@contoso.com',
    password: 'Help!Desk1',
    smtp: 'helpdesk@contoso.com',
  },
  tokens: {
    /** App-only, with full_access_as_app: may impersonate any mailbox. */
    appWithImpersonation: 'opaque-app-token-with-full-access',
    /** App-only without the permission. */
    appWithoutImpersonation: 'opaque-app-token-without-full-access',
    /** Delegated, acting as alice, JWT-shaped. */
    aliceDelegated: jwt({
      aud: 'https://outlook.office365.com',
      upn: 'alice@contoso.com',
      scp: 'EWS.AccessAsUser.All',
    }),
    /** Issued for Microsoft Graph, not for Exchange: refused with 2000003. */
    graphAudience: jwt({ aud: 'https://graph.microsoft.com', upn: 'alice@contoso.com' }),
  },
} as const;

export function seedContosoAccounts(fake: EwsFake): void {
  const { alice, joerg, service, helpdesk, tokens } = CONTOSO;
  fake.accounts.add({
    domain: 'CONTOSO',
    user: 'alice',
    upn: alice.upn,
    password: alice.password,
    mailbox: alice.smtp,
  });
  fake.accounts.add({
    domain: 'CONTOSO',
    user: 'joerg',
    upn: joerg.upn,
    password: joerg.password,
    mailbox: joerg.smtp,
  });
  fake.accounts.add({
    domain: 'CONTOSO',
    user: 'svc-dirbridge',
    upn: service.upn,
    password: service.password,
    impersonation: true,
  });
  fake.accounts.add({
    domain: 'CONTOSO',
    user: 'helpdesk',
    upn: helpdesk.upn,
    password: helpdesk.password,
    mailbox: helpdesk.smtp,
    fullAccess: [alice.smtp],
  });
  fake.tokens.add(tokens.appWithImpersonation, { application: 'dirbridge', impersonation: true });
  fake.tokens.add(tokens.appWithoutImpersonation, { application: 'other-app', impersonation: false });
  fake.tokens.add(tokens.aliceDelegated, { upn: alice.upn });
}
