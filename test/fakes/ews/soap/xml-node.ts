/**
 * A request document as a small typed tree. fast-xml-parser's ordered output is untyped; the
 * operations only ever need "child named X", "children named X", attributes and text, so they get
 * exactly that. Namespace prefixes are dropped: EWS element names do not collide across the soap,
 * messages and types namespaces, and clients pick their own prefixes (the library sends `m:`/`t:`,
 * hand-written requests often use a default namespace).
 */
import { XMLParser } from 'fast-xml-parser';

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Concatenated text content directly inside this element (entities decoded). */
  readonly text: string;
}

const ATTRIBUTES = ':@';
const TEXT = '#text';
const ATTRIBUTE_PREFIX = '@_';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
});

/** The root element of `xml`, or undefined when it is not well-formed XML. */
export function parseXml(xml: string): XmlElement | undefined {
  try {
    const nodes: unknown = parser.parse(xml);
    return toElements(nodes).find((element) => element.name !== '?xml');
  } catch {
    return undefined;
  }
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((candidate) => candidate.name === name) ?? [];
}

export function attribute(element: XmlElement | undefined, name: string): string | undefined {
  return element?.attributes.get(name);
}

/** The trimmed text of the named child, or undefined when the child is absent. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const found = child(element, name);
  return found === undefined ? undefined : found.text.trim();
}

function toElements(nodes: unknown): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: XmlElement[] = [];
  for (const node of nodes as unknown[]) {
    const element = toElement(node);
    if (element !== undefined) elements.push(element);
  }
  return elements;
}

function toElement(node: unknown): XmlElement | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  const name = Object.keys(record).find((key) => key !== ATTRIBUTES && key !== TEXT);
  if (name === undefined) return undefined;
  const content = record[name];
  return {
    name,
    attributes: toAttributes(record[ATTRIBUTES]),
    children: toElements(content),
    text: textOf(content),
  };
}

function toAttributes(raw: unknown): ReadonlyMap<string, string> {
  const attributes = new Map<string, string>();
  if (typeof raw !== 'object' || raw === null) return attributes;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key.startsWith(ATTRIBUTE_PREFIX) && typeof value === 'string') {
      attributes.set(key.slice(ATTRIBUTE_PREFIX.length), value);
    }
  }
  return attributes;
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const node of content as unknown[]) {
    if (typeof node === 'object' && node !== null && TEXT in node) {
      const value = (node as Record<string, unknown>)[TEXT];
      if (typeof value === 'string' || typeof value === 'number') text += String(value);
    }
  }
  return text;
}
