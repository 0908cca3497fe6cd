/** What every session shares: the directory, sign-on and policy, settings and the logger. */
import type { AccessPolicy } from '../auth/access-policy.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { DirectoryConfig, LimitsConfig } from '../config/types.js';
import type { Directory } from '../directory/directory.js';
import type { Logger } from '../observability/logger.js';

export interface SessionServices {
  readonly directory: Directory;
  readonly authenticator: Authenticator;
  readonly access: AccessPolicy;
  readonly directoryConfig: DirectoryConfig;
  readonly limits: LimitsConfig;
  readonly logger: Logger;
}
