/**
 * ItemShape / FolderShape: a base shape plus AdditionalProperties, read into what the renderers
 * need to answer "is this property wanted?". Indexed properties (`contacts:PhoneNumber` with
 * FieldIndex `BusinessFax`, `contacts:PhysicalAddress:City` with `Business`) select single dictionary
 * entries; ExtendedFieldURI is accepted and ignored (the fake stores no MAPI properties).
 */
import { attribute, child, childText, type XmlElement } from '../soap/xml-node.js';

export type BaseShape = 'IdOnly' | 'Default' | 'AllProperties';

export interface Shape {
  readonly base: BaseShape;
  readonly fields: ReadonlySet<string>;
  /** FieldURI of an indexed property to the FieldIndex values asked for. */
  readonly indexed: ReadonlyMap<string, ReadonlySet<string>>;
}

export const ID_ONLY: Shape = { base: 'IdOnly', fields: new Set(), indexed: new Map() };

export function parseShape(shapeElement: XmlElement | undefined): Shape {
  const baseText = childText(shapeElement, 'BaseShape');
  const base: BaseShape = baseText === 'AllProperties' || baseText === 'Default' ? baseText : 'IdOnly';
  const fields = new Set<string>();
  const indexed = new Map<string, Set<string>>();
  for (const path of child(shapeElement, 'AdditionalProperties')?.children ?? []) {
    const uri = attribute(path, 'FieldURI');
    if (uri === undefined) continue;
    if (path.name === 'FieldURI') fields.add(uri);
    if (path.name === 'IndexedFieldURI') {
      const index = attribute(path, 'FieldIndex');
      if (index === undefined) continue;
      let indexes = indexed.get(uri);
      if (indexes === undefined) indexed.set(uri, (indexes = new Set()));
      indexes.add(index);
    }
  }
  return { base, fields, indexed };
}

/** Whether the shape includes everything (Default is treated as AllProperties by the fake). */
export function isFullShape(shape: Shape): boolean {
  return shape.base !== 'IdOnly';
}
