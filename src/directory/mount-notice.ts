/**
 * What a replica mount tells its readers in other threads (the listener threads) after each round:
 * what changed in its copy, and its health, which those threads show in cn=Monitor as their own.
 */
import type { ReplicaNotice } from '../replica/replica-notice.js';
import type { SourceStatus } from './source-status.js';

export interface MountNotice {
  readonly replica: ReplicaNotice;
  readonly status: SourceStatus;
}
