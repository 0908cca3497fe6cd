/**
 * Real `@googleapis/people` clients pointed at a GoogleFake, built from the google-auth-library
 * copy googleapis-common itself uses (`auth` re-exported by @googleapis/people), so no second copy
 * of the auth library or gaxios is involved (CLOUD-APIS.md §2.1 "Dual copies").
 */
import { auth, people, type people_v1 } from '@googleapis/people';
import type { GoogleFake } from './google-fake.js';
import type { ServiceAccountKey } from './service-account.js';

export type OAuth2Client = InstanceType<typeof auth.OAuth2>;
export type JWTClient = InstanceType<typeof auth.JWT>;

/** The People API on the fake, authenticated by `client`. */
export function peopleApi(
  fake: GoogleFake,
  client: OAuth2Client,
  retry?: { retry: number },
): people_v1.People {
  return people({
    version: 'v1',
    rootUrl: fake.rootUrl,
    auth: client,
    ...(retry === undefined ? {} : { retryConfig: retry }),
  });
}

/** A user's refresh token held by an OAuth2Client whose token URL is the fake's. */
export function refreshTokenClient(
  fake: GoogleFake,
  refreshToken: string,
  options: { readonly forceRefreshOnFailure?: boolean } = {},
): OAuth2Client {
  const client = new auth.OAuth2({
    clientId: fake.oauthClient.clientId,
    clientSecret: fake.oauthClient.clientSecret,
    endpoints: { oauth2TokenUrl: fake.tokenUrl },
    forceRefreshOnFailure: options.forceRefreshOnFailure ?? false,
  });
  client.setCredentials({ refresh_token: refreshToken });
  return client;
}

export interface JwtClientOptions {
  readonly key?: ServiceAccountKey;
  /** The service account's email, when it should differ from the key's (a forged assertion). */
  readonly email?: string;
  readonly subject?: string;
  readonly scopes: readonly string[];
  readonly additionalClaims?: Record<string, string | number>;
  readonly forceRefreshOnFailure?: boolean;
}

/**
 * A service-account JWT client redirected to the fake. gtoken posts to the hard-coded
 * `https://oauth2.googleapis.com/token`; a request interceptor on the client's own transporter
 * (which gtoken is handed) rewrites that origin to the fake's.
 */
export function interceptedJwtClient(fake: GoogleFake, options: JwtClientOptions): JWTClient {
  const key = options.key ?? fake.serviceAccount.key;
  const client = new auth.JWT({
    email: options.email ?? key.client_email,
    key: key.private_key,
    scopes: [...options.scopes],
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.additionalClaims === undefined ? {} : { additionalClaims: options.additionalClaims }),
    forceRefreshOnFailure: options.forceRefreshOnFailure ?? false,
  });
  client.transporter.interceptors.request.add({
    resolved: (config) => {
      if (config.url.origin === 'https://oauth2.googleapis.com') {
        config.url = new URL(`${config.url.pathname}${config.url.search}`, fake.origin);
      }
      return Promise.resolve(config);
    },
  });
  return client;
}
