/**
 * `GET /v1.0/organization`: the tenant itself, which a "test connection" may read after the token
 * (Organization.Read.All or Directory.Read.All app-only; any signed-in user's token).
 */
import { holdsAny, type GraphCall } from './graph-call.js';
import { directoryAccessDenied } from './graph-errors.js';
import type { GraphState } from './graph-state.js';
import { jsonReply, type HttpReply } from './http-reply.js';

const READ_ORGANIZATION = [
  'Organization.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'User.Read',
];

export function handleOrganization(call: GraphCall, state: GraphState): HttpReply {
  if (!holdsAny(call.grant, READ_ORGANIZATION)) throw directoryAccessDenied();
  const { identity } = state;
  const domain = (name: string, type: 'Managed' | 'Federated', index: number): object => ({
    capabilities: 'Email, OfficeCommunicationsOnline',
    isDefault: index === 0 && type === 'Managed',
    isInitial: name.endsWith('.onmicrosoft.com'),
    name,
    type,
  });
  return jsonReply(200, {
    '@odata.context': `${call.graphUrl}/$metadata#organization`,
    value: [
      {
        id: identity.tenantId,
        displayName: identity.tenantName,
        verifiedDomains: [
          ...identity.domains.map((name, index) => domain(name, 'Managed', index)),
          ...identity.federatedDomains.map((name, index) => domain(name, 'Federated', index)),
        ],
      },
    ],
  });
}
