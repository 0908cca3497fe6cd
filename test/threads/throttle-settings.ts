import type { ThrottleConfig } from '../../src/config/types.js';

/** The throttle the relay tests run: 2 free failures per login, then 1 s doubling up to 8 s. */
export const SETTINGS: ThrottleConfig = {
  loginFailures: 2,
  addressFailures: 10,
  delay: 1,
  maxDelay: 8,
  decay: 60,
  maxTracked: 100,
};
