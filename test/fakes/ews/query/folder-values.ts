/**
 * The value of a property path on a folder, for FindFolder restrictions: what a source filters
 * folders by (FolderClass exactly IPF.Contact, a DisplayName).
 */
import type { StoredFolder } from '../store/folder.js';
import type { PropertyPath } from './property-path.js';

export function folderValue(folder: StoredFolder, path: PropertyPath): string | undefined {
  if (path.uri === 'folder:FolderClass') return folder.folderClass;
  if (path.uri === 'folder:DisplayName') return folder.displayName;
  return undefined;
}
