/**
 * Item, folder and change-key strings. Exchange's ids are base64 of a binary structure whose first
 * bytes say what they point into: mailbox ids start "AAMkA" (00 03 24 00), public folder ids "AAEuA"
 * (00 01 2E 00). The fake keeps those markers, so ids look and behave like Exchange's: a string that
 * is not canonical base64 with a known marker is malformed (ErrorInvalidIdMalformed), a well-formed
 * one the store does not hold is not found. Ids are deterministic: the same seed gives the same ids.
 */
const MAILBOX_MARKER = [0x00, 0x03, 0x24, 0x00];
const PUBLIC_MARKER = [0x00, 0x01, 0x2e, 0x00];
const ITEM_CHANGE_KEY_PREFIX = [0x11, 0, 0, 0, 0x16, 0, 0, 0];
const FOLDER_CHANGE_KEY_PREFIX = [0x03, 0, 0, 0, 0x16, 0, 0, 0];

export type IdScope = 'mailbox' | 'public';

export function makeId(scope: IdScope, kind: 'folder' | 'item', owner: number, serial: number): string {
  const marker = scope === 'mailbox' ? MAILBOX_MARKER : PUBLIC_MARKER;
  const body = Buffer.alloc(9);
  body.writeUInt8(kind === 'folder' ? 0x01 : 0x07, 0);
  body.writeUInt32BE(owner, 1);
  body.writeUInt32BE(serial, 5);
  return Buffer.concat([Buffer.from(marker), body]).toString('base64');
}

/** Whether `id` has the shape of an Exchange id (canonical base64 starting with a known marker). */
export function isWellFormedId(id: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return false;
  const bytes = Buffer.from(id, 'base64');
  if (bytes.toString('base64') !== id || bytes.length < 5) return false;
  return startsWith(bytes, MAILBOX_MARKER) || startsWith(bytes, PUBLIC_MARKER);
}

export function itemChangeKey(changeNumber: number): string {
  return changeKey(ITEM_CHANGE_KEY_PREFIX, changeNumber);
}

export function folderChangeKey(changeNumber: number): string {
  return changeKey(FOLDER_CHANGE_KEY_PREFIX, changeNumber);
}

function changeKey(prefix: readonly number[], changeNumber: number): string {
  const counter = Buffer.alloc(6);
  counter.writeUIntBE(changeNumber, 0, 6);
  return Buffer.concat([Buffer.from(prefix), counter]).toString('base64');
}

function startsWith(bytes: Buffer, marker: readonly number[]): boolean {
  return marker.every((byte, index) => bytes[index] === byte);
}
