/**
 * Filter AST -> BER (RFC 4511 section 4.5.1), iterative like the decoder so deep filters are safe.
 */
import type { Filter } from '../filter/ast.js';
import { BerWriter } from './ber-writer.js';
import { ExtensibleTag, FilterTag, SubstringTag } from './filter-decoder.js';

/** Marks the end of an and/or/not whose children have been written. */
const END = 'end';

export function writeFilter(writer: BerWriter, filter: Filter): void {
  const work: (Filter | typeof END)[] = [filter];
  while (work.length > 0) {
    const item = work.pop()!;
    if (item === END) {
      writer.endSequence();
      continue;
    }
    switch (item.type) {
      case 'and':
      case 'or':
        writer.startSequence(FilterTag[item.type]);
        work.push(END);
        for (let i = item.filters.length - 1; i >= 0; i--) work.push(item.filters[i]!);
        break;
      case 'not':
        writer.startSequence(FilterTag.not);
        work.push(END, item.filter);
        break;
      case 'present':
        writer.writeString(item.attribute, FilterTag.present);
        break;
      case 'substrings':
        writeSubstrings(writer, item);
        break;
      case 'extensible':
        writeExtensible(writer, item);
        break;
      case 'approx':
      case 'equality':
      case 'greaterOrEqual':
      case 'lessOrEqual':
        writer.startSequence(FilterTag[item.type]);
        writer.writeString(item.attribute);
        writer.writeString(item.value);
        writer.endSequence();
        break;
    }
  }
}

export function encodeFilter(filter: Filter): Uint8Array {
  const writer = new BerWriter();
  writeFilter(writer, filter);
  return writer.toBytes();
}

function writeSubstrings(writer: BerWriter, filter: Extract<Filter, { type: 'substrings' }>): void {
  writer.startSequence(FilterTag.substrings);
  writer.writeString(filter.attribute);
  writer.startSequence();
  if (filter.initial !== undefined) writer.writeString(filter.initial, SubstringTag.initial);
  for (const part of filter.any) writer.writeString(part, SubstringTag.any);
  if (filter.final !== undefined) writer.writeString(filter.final, SubstringTag.final);
  writer.endSequence();
  writer.endSequence();
}

function writeExtensible(writer: BerWriter, filter: Extract<Filter, { type: 'extensible' }>): void {
  writer.startSequence(FilterTag.extensible);
  if (filter.matchingRule !== undefined) writer.writeString(filter.matchingRule, ExtensibleTag.matchingRule);
  if (filter.attribute !== undefined) writer.writeString(filter.attribute, ExtensibleTag.type);
  writer.writeString(filter.value, ExtensibleTag.matchValue);
  // dnAttributes is DEFAULT FALSE: DER (and OpenLDAP) leave a default value out.
  if (filter.dnAttributes) writer.writeBoolean(true, ExtensibleTag.dnAttributes);
  writer.endSequence();
}
