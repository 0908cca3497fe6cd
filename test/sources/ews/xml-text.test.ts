/** Text for EWS requests: XML's five special characters escaped, characters XML cannot carry dropped. */
import { describe, expect, it } from 'vitest';
import { xmlText } from '../../../src/sources/ews/xml-text.js';

describe('xmlText', () => {
  it('escapes what XML reads as markup', () => {
    expect(xmlText(`</m:UnresolvedEntry>&"'`)).toBe('&lt;/m:UnresolvedEntry&gt;&amp;&quot;&apos;');
  });

  it('keeps every character XML carries, and drops those it cannot', () => {
    expect(xmlText('Jörg Müller\t😀 Łukasz')).toBe('Jörg Müller\t😀 Łukasz');
    expect(xmlText('a\u0000b\u001Fc\uFFFEd')).toBe('abcd');
  });
});
