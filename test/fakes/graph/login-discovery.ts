/**
 * The two discovery documents around the token endpoint: OpenID metadata (what msal-node fetches
 * before its first token request when it is given no `authorityMetadata`) and user realm discovery
 * (`/common/userrealm/{user}?api-version=1.0`, how a client learns that a user's domain is
 * federated and ROPC will not work for it). Shapes follow what MSAL parses.
 */
import * as aadsts from './aadsts-errors.js';
import { LOGIN_JSON, jsonReply, type HttpReply } from './http-reply.js';
import type { Identity } from './identity.js';

export function openIdConfiguration(tenant: string, origin: string, identity: Identity): HttpReply {
  if (!identity.isThisTenant(tenant) && tenant.toLowerCase() !== 'organizations') {
    return aadsts.aadstsReply(aadsts.tenantNotFound(tenant));
  }
  const base = `${origin}/${identity.tenantId}`;
  return jsonReply(
    200,
    {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${identity.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    },
    {},
    LOGIN_JSON,
  );
}

export function userRealm(username: string, identity: Identity): HttpReply {
  const domain = username.slice(username.lastIndexOf('@') + 1);
  const common = {
    ver: '1.0',
    domain_name: domain,
    cloud_instance_name: 'microsoftonline.com',
    cloud_audience_urn: 'urn:federation:MicrosoftOnline',
  };
  if (identity.isFederated(username)) {
    return jsonReply(
      200,
      {
        ...common,
        account_type: 'Federated',
        federation_protocol: 'WSTrust',
        federation_metadata_url: `https://sts.${domain}/adfs/services/trust/mex`,
        federation_active_auth_url: `https://sts.${domain}/adfs/services/trust/2005/usernamemixed`,
      },
      {},
      LOGIN_JSON,
    );
  }
  const managed = identity.domains.some((known) => known.toLowerCase() === domain.toLowerCase());
  return jsonReply(200, { ...common, account_type: managed ? 'Managed' : 'Unknown' }, {}, LOGIN_JSON);
}
