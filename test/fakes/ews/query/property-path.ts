/**
 * A property path in a restriction or sort order: a FieldURI (`contacts:DisplayName`,
 * `folder:FolderClass`) or an IndexedFieldURI with its FieldIndex (`contacts:PhoneNumber` +
 * `BusinessPhone`). ExtendedFieldURI is not a path the fake can answer.
 */
import { attribute, child, type XmlElement } from '../soap/xml-node.js';

export interface PropertyPath {
  readonly uri: string;
  readonly index?: string;
}

/** The path named by the FieldURI or IndexedFieldURI child of `node`. */
export function pathOf(node: XmlElement): PropertyPath | undefined {
  const field = child(node, 'FieldURI') ?? child(node, 'IndexedFieldURI');
  const uri = attribute(field, 'FieldURI');
  if (uri === undefined) return undefined;
  const index = attribute(field, 'FieldIndex');
  return index === undefined ? { uri } : { uri, index };
}

/** Reads a path's value on some record (a contact, a folder). */
export type PathReader<T> = (subject: T, path: PropertyPath) => string | undefined;
