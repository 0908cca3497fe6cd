/**
 * The fake's own clock. Token lifetimes, sync-token expiry (7 days) and delayed visibility of
 * changes are all read from it, so a test can jump a week ahead without waiting a week. The
 * client libraries keep the real clock: an access token the fake has expired by advancing this
 * clock is one the client still believes valid, which is exactly a server-side expiry.
 */
export class FakeClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
