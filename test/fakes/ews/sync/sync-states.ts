/**
 * SyncFolderItems sync states. Exchange's are opaque base64 blobs (gzip, so they start "H4sI") that
 * the client hands back; an old one stays usable and replays the changes since it. The fake keeps
 * the state on its side: the token names the folder and what the client knows (item id to change
 * key). Diffing the folder against that is exact whatever happens between or during rounds, so every
 * create, update and delete is reported exactly once. A token the fake never issued, or one issued
 * for another folder, is invalid (ErrorInvalidSyncStateData), as is every token after `invalidateAll`.
 */
import { gzipSync } from 'node:zlib';

export interface SyncState {
  readonly folderId: string;
  readonly known: ReadonlyMap<string, string>;
}

export class SyncStates {
  private readonly states = new Map<string, SyncState>();
  private issued = 0;

  issue(state: SyncState): string {
    this.issued += 1;
    const token = gzipSync(
      Buffer.from(`dirbridge-ews-fake sync state ${this.issued} ${state.folderId}`),
    ).toString('base64');
    this.states.set(token, state);
    return token;
  }

  find(token: string): SyncState | undefined {
    return this.states.get(token);
  }

  /** Forgets every issued state, as a mailbox move or a server-side reset does. */
  invalidateAll(): void {
    this.states.clear();
  }
}
