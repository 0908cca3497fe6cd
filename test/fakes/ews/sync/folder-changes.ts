/**
 * The changes between what a sync state knows and a folder now: items it does not know are
 * creates, items whose change key moved are updates, items it knows that are gone are deletes. They
 * come in the order they happened (by change number), so a batch boundary never splits the story.
 */
import type { StoredContact } from '../store/contact.js';

export type FolderChange =
  | { readonly kind: 'Create' | 'Update'; readonly contact: StoredContact; readonly order: number }
  | { readonly kind: 'Delete'; readonly id: string; readonly changeKey: string; readonly order: number };

export function folderChanges(
  known: ReadonlyMap<string, string>,
  current: readonly StoredContact[],
  deletionOrder: ReadonlyMap<string, number>,
): FolderChange[] {
  const changes: FolderChange[] = [];
  const present = new Set<string>();
  for (const contact of current) {
    present.add(contact.id);
    const knownKey = known.get(contact.id);
    if (knownKey === undefined) changes.push({ kind: 'Create', contact, order: contact.changeNumber });
    else if (knownKey !== contact.changeKey)
      changes.push({ kind: 'Update', contact, order: contact.changeNumber });
  }
  for (const [id, changeKey] of known) {
    if (!present.has(id)) changes.push({ kind: 'Delete', id, changeKey, order: deletionOrder.get(id) ?? 0 });
  }
  return changes.sort((a, b) => a.order - b.order);
}

/** What the client knows after applying `applied` to `known`. */
export function afterChanges(
  known: ReadonlyMap<string, string>,
  applied: readonly FolderChange[],
): Map<string, string> {
  const next = new Map(known);
  for (const change of applied) {
    if (change.kind === 'Delete') next.delete(change.id);
    else next.set(change.contact.id, change.contact.changeKey);
  }
  return next;
}
