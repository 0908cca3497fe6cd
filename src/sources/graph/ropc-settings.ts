/**
 * The graph source's sign-on settings (`signOn: ropc`), read from its validated config. The app
 * ROPC goes through is `clientId` with its secret unless `signOnClientId` names another, which is
 * taken for a public client: Entra ID refuses a confidential client's ROPC request without its
 * secret (AADSTS7000218) and a public client's with one (AADSTS700025), CLOUD-APIS.md §1.4.
 */
import type { SourceConfig } from '../../config/types.js';

/** The scopes of a ROPC request: Graph's User.Read (the least there is) and the OpenID ones. */
const ROPC_SCOPE = 'User.Read openid profile offline_access';

export interface RopcSettings {
  /** The v2 token endpoint of the tenant (the same as the client credentials'). */
  readonly tokenUrl: string;
  /** `<authorityUrl>/common/userrealm/`: whether a domain is managed or federated. */
  readonly realmUrl: string;
  readonly clientId: string;
  /** Sent only when `clientId` is the confidential sync app's. */
  readonly clientSecret?: string;
  /** Which setting names the app, for the sentences of a refusal. */
  readonly clientIdSetting: 'clientId' | 'signOnClientId';
  readonly scope: string;
  /** The domains whose `user@domain` names the source claims, lower-cased. */
  readonly upnSuffixes: readonly string[];
  readonly concurrency: number;
  readonly timeoutMs: number;
}

interface RopcConfig extends SourceConfig {
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly authorityUrl: string;
  readonly signOn: false | 'ropc';
  readonly upnSuffixes?: readonly string[];
  readonly signOnClientId?: string;
  readonly signOnConcurrency: number;
  readonly signOnTimeout: number;
}

/** `{ signOn }` when it is on, else nothing (to be spread into the source's settings). */
export function readRopcSettings(
  config: SourceConfig,
  fail: (message: string) => never,
): { readonly signOn?: RopcSettings } {
  const graph = config as RopcConfig;
  if (graph.signOn !== 'ropc') {
    for (const key of ['upnSuffixes', 'signOnClientId'] as const)
      if (graph[key] !== undefined) fail(`${key} is set, but signOn is not ropc`);
    return {};
  }
  if (graph.upnSuffixes === undefined)
    fail('signOn: ropc needs upnSuffixes, the domains whose user@domain names it signs on');
  const authority = graph.authorityUrl.replace(/\/+$/, '');
  const separate = graph.signOnClientId !== undefined && graph.signOnClientId !== graph.clientId;
  if (!separate && graph.clientSecret === undefined)
    fail(
      'signOn: ropc through clientId needs clientSecret; with certificate, set signOnClientId to a public client app',
    );
  return {
    signOn: {
      tokenUrl: `${authority}/${encodeURIComponent(graph.tenant)}/oauth2/v2.0/token`,
      realmUrl: `${authority}/common/userrealm/`,
      clientId: separate ? graph.signOnClientId : graph.clientId,
      ...(separate ? {} : { clientSecret: graph.clientSecret }),
      clientIdSetting: separate ? 'signOnClientId' : 'clientId',
      scope: ROPC_SCOPE,
      upnSuffixes: [...new Set(graph.upnSuffixes.map((suffix) => suffix.toLowerCase()))],
      concurrency: graph.signOnConcurrency,
      timeoutMs: graph.signOnTimeout * 1000,
    },
  };
}
