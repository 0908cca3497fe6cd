/**
 * Page and sync tokens. To a client they are opaque strings; inside they say which list they
 * belong to (`scope`), the parameters of the call that started it (`params`: "all other request
 * parameters must match the first call"), and a position: a listing cursor or a change-feed
 * sequence number. A sync token also carries its issue time, for the 7-day expiry.
 */

export interface SyncTokenState {
  readonly kind: 'sync';
  readonly scope: string;
  readonly params: string;
  readonly watermark: number;
  readonly issuedAt: number;
}

export interface PageTokenState {
  readonly kind: 'page';
  readonly scope: string;
  readonly params: string;
  readonly mode: 'full' | 'sync';
  /** full: the watermark the full sync started at; sync: the sync token's watermark. */
  readonly from: number;
  /** sync only: the feed position this incremental sync reads up to. */
  readonly upTo: number;
  readonly afterName: string | undefined;
  readonly afterSeq: number;
}

type TokenState = SyncTokenState | PageTokenState;

export function encodeToken(state: TokenState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The token's state if it is one this fake issued of the expected kind. */
export function decodeSyncToken(raw: string): SyncTokenState | undefined {
  const state = parse(raw) as Partial<SyncTokenState> | undefined;
  if (state?.kind !== 'sync' || typeof state.watermark !== 'number') return undefined;
  return state as SyncTokenState;
}

export function decodePageToken(raw: string): PageTokenState | undefined {
  const state = parse(raw) as Partial<PageTokenState> | undefined;
  if (state?.kind !== 'page' || typeof state.from !== 'number') return undefined;
  return state as PageTokenState;
}
