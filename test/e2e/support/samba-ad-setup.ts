/**
 * One Samba AD DC per end-to-end run: test/e2e/global-setup.ts starts it and hands its connection
 * details to the test files through vitest's provide/inject (`inject('sambaAd')`).
 */
import type { TestProject } from 'vitest/node';
import { startSambaAd, stopSambaAd, type SambaAdInfo } from '../../../scripts/test-backends/samba-ad.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sambaAd: SambaAdInfo;
  }
}

/** Starts the DC (provisioning and seeding it first when needed); resolves to its stop function. */
export async function startSambaAdForRun(project: TestProject): Promise<() => Promise<void>> {
  const { stop, ...info } = await startSambaAd();
  project.provide('sambaAd', info);
  // A test may have stopped and started the DC again (ad-outage.test.ts): its pid file names it.
  return async () => {
    await stop();
    await stopSambaAd(info.folder);
  };
}
