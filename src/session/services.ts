/** What every session shares: the directory, sign-on and policy, settings, the logger and the metrics. */
import type { AccessPolicy } from '../auth/access-policy.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { DirectoryConfig, LimitsConfig } from '../config/types.js';
import type { Directory } from '../directory/directory.js';
import type { Logger } from '../observability/logger.js';
import type { ServerEvents } from '../observability/server-events.js';
import type { ViewCatalog } from '../view/view-catalog.js';
import type { EncodedEntries } from './encoded-entries.js';

export interface SessionServices {
  readonly directory: Directory;
  readonly authenticator: Authenticator;
  readonly access: AccessPolicy;
  readonly directoryConfig: DirectoryConfig;
  readonly limits: LimitsConfig;
  readonly logger: Logger;
  /**
   * Keeps the sources binds sign on through open until the returned function is called: a reload
   * that retires one meanwhile closes it only after the bind is answered. Absent: nothing to keep.
   */
  readonly holdSignOn?: () => () => void;
  /** Who counts operations (the admin listener's metrics); absent: nobody. */
  readonly events?: ServerEvents;
  /** Which view each caller gets (docs/views.md); absent: none. */
  readonly views?: ViewCatalog;
  /** Search result entries kept encoded, shared by every session; absent: each is encoded anew. */
  readonly encodedEntries?: EncodedEntries;
}
