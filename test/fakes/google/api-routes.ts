/** Which handler answers which method and path (CLOUD-APIS.md §4, Google row). */
import type { ApiContext } from './api-context.js';
import { notFoundPage } from './api-errors.js';
import { listConnections } from './connections-endpoint.js';
import { searchContacts } from './contact-search-endpoint.js';
import type { FakeRequest, FakeResponse } from './http-exchange.js';
import { listDirectoryPeople } from './list-directory-people-endpoint.js';
import { listOtherContacts } from './other-contacts-endpoint.js';
import { searchDirectoryPeople } from './search-directory-people-endpoint.js';
import { handleTokenRequest, type TokenEndpointContext } from './token-endpoint.js';

type Handler = (request: FakeRequest, api: ApiContext) => FakeResponse;

const API_ROUTES: Readonly<Record<string, Handler>> = {
  '/v1/people:listDirectoryPeople': listDirectoryPeople,
  '/v1/people:searchDirectoryPeople': searchDirectoryPeople,
  '/v1/people:searchContacts': (request, api) => searchContacts('contacts', request, api),
  '/v1/otherContacts': listOtherContacts,
  '/v1/otherContacts:search': (request, api) => searchContacts('otherContacts', request, api),
};

const CONNECTIONS = /^\/v1\/(people\/[^/]+)\/connections$/;

export function route(request: FakeRequest, api: ApiContext, token: TokenEndpointContext): FakeResponse {
  if (request.path === '/token') {
    return request.method === 'POST' ? handleTokenRequest(request, token) : notFoundPage(request.path);
  }
  if (request.method !== 'GET') return notFoundPage(request.path);
  const handler = API_ROUTES[request.path];
  if (handler !== undefined) return handler(request, api);
  const connections = CONNECTIONS.exec(request.path);
  if (connections !== null) return listConnections(connections[1]!, request, api);
  return notFoundPage(request.path);
}
