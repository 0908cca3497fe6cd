/**
 * FindItem's Restriction turned into a predicate over stored contacts: And, Or, Not, Exists,
 * IsEqualTo and the other comparisons (case-insensitive, as Exchange compares strings), and Contains
 * with its ContainmentMode and ContainmentComparison. Anything else is ErrorUnsupportedQueryFilter.
 */
import type { EwsError } from '../soap/ews-errors.js';
import { attribute, child, type XmlElement } from '../soap/xml-node.js';
import type { StoredContact } from '../store/contact.js';
import { contactValue, type PropertyPath } from './contact-values.js';
import { CASE_INSENSITIVE, fold, foldingFor, wordsOf } from './text-comparison.js';

export type ContactPredicate = (contact: StoredContact) => boolean;

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
export function restrictionPredicate(restriction: XmlElement): ContactPredicate | EwsError {
  const node = restriction.children[0];
  return node === undefined ? () => true : predicate(node);
}

function predicate(node: XmlElement): ContactPredicate | EwsError {
  switch (node.name) {
    case 'And':
    case 'Or':
      return combine(node);
    case 'Not': {
      const inner = node.children[0] === undefined ? unsupported : predicate(node.children[0]);
      return typeof inner === 'function' ? (contact) => !inner(contact) : inner;
    }
    case 'Exists': {
      const path = pathOf(node);
      return path === undefined ? unsupported : (contact) => contactValue(contact, path) !== undefined;
    }
    case 'Contains':
      return contains(node);
    default:
      return node.name in COMPARISONS ? comparison(node, COMPARISONS[node.name]!) : unsupported;
  }
}

function combine(node: XmlElement): ContactPredicate | EwsError {
  const parts: ContactPredicate[] = [];
  for (const childNode of node.children) {
    const part = predicate(childNode);
    if (typeof part !== 'function') return part;
    parts.push(part);
  }
  return node.name === 'And'
    ? (contact) => parts.every((part) => part(contact))
    : (contact) => parts.some((part) => part(contact));
}

function comparison(node: XmlElement, accept: (order: number) => boolean): ContactPredicate | EwsError {
  const path = pathOf(node);
  const constant = attribute(child(child(node, 'FieldURIOrConstant'), 'Constant'), 'Value');
  if (path === undefined || constant === undefined) return unsupported;
  const wanted = fold(constant, CASE_INSENSITIVE);
  return (contact) => {
    const value = contactValue(contact, path);
    if (value === undefined) return false;
    const folded = fold(value, CASE_INSENSITIVE);
    return accept(folded === wanted ? 0 : folded < wanted ? -1 : 1);
  };
}

function contains(node: XmlElement): ContactPredicate | EwsError {
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
  return (contact) => {
    const value = contactValue(contact, path);
    return value !== undefined && matches(fold(value, folding));
  };
}

function pathOf(node: XmlElement): PropertyPath | undefined {
  const field = child(node, 'FieldURI') ?? child(node, 'IndexedFieldURI');
  const uri = attribute(field, 'FieldURI');
  if (uri === undefined) return undefined;
  const index = attribute(field, 'FieldIndex');
  return index === undefined ? { uri } : { uri, index };
}
