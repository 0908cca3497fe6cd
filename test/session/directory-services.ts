/**
 * What a Session needs around a real Directory (test/support/test-directory.ts), for tests of
 * what clients see of it: the access policy config builds, with anonymous searches allowed on every
 * mount, so the policy's own rules decide what is withheld (passwords); nothing signs on.
 */
import { AccessPolicy } from '../../src/auth/access-policy.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { DirectoryConfig, LimitsConfig } from '../../src/config/types.js';
import type { Directory } from '../../src/directory/directory.js';
import { silentLogger } from '../../src/observability/logger.js';
import { EncodedEntries } from '../../src/session/encoded-entries.js';
import type { SessionServices } from '../../src/session/services.js';
import { TEST_SUFFIX } from '../support/test-directory.js';
import { DIRECTORY_CONFIG, LIMITS } from './fake-services.js';

const ANONYMOUS_READS_ALL = new AccessPolicy({
  anonymous: true,
  accounts: [],
  trustedAddresses: [],
  trustLoopback: true,
  signedOn: {},
  throttle: { loginFailures: 5, addressFailures: 50, delay: 1, maxDelay: 30, decay: 60, maxTracked: 100 },
});

export function directoryServices(
  directory: Directory,
  settings: { readonly directory?: Partial<DirectoryConfig>; readonly limits?: Partial<LimitsConfig> } = {},
): SessionServices {
  return {
    directory,
    // Binds are not what these tests are about: one would fail loudly.
    authenticator: {} as unknown as Authenticator,
    access: ANONYMOUS_READS_ALL,
    directoryConfig: { ...DIRECTORY_CONFIG, suffix: TEST_SUFFIX, ...settings.directory },
    limits: { ...LIMITS, ...settings.limits },
    logger: silentLogger(),
    // As the server has it: stamped entries go out as the bytes kept for them.
    encodedEntries: new EncodedEntries(),
  };
}
