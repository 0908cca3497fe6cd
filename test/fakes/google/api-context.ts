/** What every People API endpoint of the fake reads: the domain, the caller checks, the sync policy. */
import type { CallerChecks } from './api-caller.js';
import type { GoogleDomain } from './google-domain.js';
import type { SyncTokenPolicy } from './list-people.js';

export interface ApiContext {
  readonly domain: GoogleDomain;
  readonly checks: CallerChecks;
  syncTokens(): SyncTokenPolicy;
}
