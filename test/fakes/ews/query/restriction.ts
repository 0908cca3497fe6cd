/**
 * A Restriction turned into a predicate: And, Or, Not, Exists, IsEqualTo and the other comparisons
 * (case-insensitive, as Exchange compares strings), and Contains with its ContainmentMode and
 * ContainmentComparison. Anything else is ErrorUnsupportedQueryFilter. FindItem applies it to
 * contacts, FindFolder to folders (FolderClass, DisplayName).
 */
import type { EwsError } from '../soap/ews-errors.js';
import { attribute, child, type XmlElement } from '../soap/xml-node.js';
import type { StoredContact } from '../store/contact.js';
import { pathOf, type PathReader } from './property-path.js';
import { CASE_INSENSITIVE, fold, foldingFor, wordsOf } from './text-comparison.js';

export type Predicate<T> = (subject: T) => boolean;
export type ContactPredicate = Predicate<StoredContact>;

const unsupported: EwsError = {
  code: 'ErrorUnsupportedQueryFilter',
  message: 'QueryFilter type is not supported.',
};

const COMPARISONS: Readonly<Record<string, (order: number) => boolean>> = {
  IsEqualTo: (order) => order === 0,
  IsNotEqualTo: (order) => order !== 0,
  IsGreaterThan: (order) => order > 0,
  IsGreaterThanOrEqualTo: (order) => order >= 0,
  IsLessThan: (order) => order < 0,
  IsLessThanOrEqualTo: (order) => order <= 0,
};

/** The predicate for a Restriction element's content, or the error Exchange would give. */
export function restrictionPredicate<T>(
  restriction: XmlElement,
  read: PathReader<T>,
): Predicate<T> | EwsError {
  const node = restriction.children[0];
  return node === undefined ? () => true : predicate(node, read);
}

function predicate<T>(node: XmlElement, read: PathReader<T>): Predicate<T> | EwsError {
  switch (node.name) {
    case 'And':
    case 'Or':
      return combine(node, read);
    case 'Not': {
      const inner = node.children[0] === undefined ? unsupported : predicate(node.children[0], read);
      return typeof inner === 'function' ? (subject) => !inner(subject) : inner;
    }
    case 'Exists': {
      const path = pathOf(node);
      return path === undefined ? unsupported : (subject) => read(subject, path) !== undefined;
    }
    case 'Contains':
      return contains(node, read);
    default:
      return node.name in COMPARISONS ? comparison(node, read, COMPARISONS[node.name]!) : unsupported;
  }
}

function combine<T>(node: XmlElement, read: PathReader<T>): Predicate<T> | EwsError {
  const parts: Predicate<T>[] = [];
  for (const childNode of node.children) {
    const part = predicate(childNode, read);
    if (typeof part !== 'function') return part;
    parts.push(part);
  }
  return node.name === 'And'
    ? (subject) => parts.every((part) => part(subject))
    : (subject) => parts.some((part) => part(subject));
}

function comparison<T>(
  node: XmlElement,
  read: PathReader<T>,
  accept: (order: number) => boolean,
): Predicate<T> | EwsError {
  const path = pathOf(node);
  const constant = attribute(child(child(node, 'FieldURIOrConstant'), 'Constant'), 'Value');
  if (path === undefined || constant === undefined) return unsupported;
  const wanted = fold(constant, CASE_INSENSITIVE);
  return (subject) => {
    const value = read(subject, path);
    if (value === undefined) return false;
    const folded = fold(value, CASE_INSENSITIVE);
    return accept(folded === wanted ? 0 : folded < wanted ? -1 : 1);
  };
}

function contains<T>(node: XmlElement, read: PathReader<T>): Predicate<T> | EwsError {
  const path = pathOf(node);
  const constant = attribute(child(node, 'Constant'), 'Value');
  if (path === undefined || constant === undefined) return unsupported;
  const folding = foldingFor(attribute(node, 'ContainmentComparison'));
  const wanted = fold(constant, folding);
  const mode = attribute(node, 'ContainmentMode') ?? 'FullString';
  const matches = (value: string): boolean => {
    switch (mode) {
      case 'Prefixed':
        return value.startsWith(wanted);
      case 'Substring':
        return value.includes(wanted);
      case 'PrefixOnWords':
        return wordsOf(value).some((word) => word.startsWith(wanted));
      case 'ExactPhrase':
        return ` ${wordsOf(value).join(' ')} `.includes(` ${wordsOf(wanted).join(' ')} `);
      default:
        return value === wanted;
    }
  };
  return (subject) => {
    const value = read(subject, path);
    return value !== undefined && matches(fold(value, folding));
  };
}
