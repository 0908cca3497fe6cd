/** HTML with escaping as the default: interpolated text never becomes markup. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, Html, markup } from '../../src/admin/html-text.js';

describe('html text', () => {
  it('escapes the five characters that can end text or an attribute value', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('escapes every interpolation but markup made by the tag, and joins lists', () => {
    const hostile = '<script>alert(1)</script>';
    const page = markup`<p title="${hostile}">${hostile}${markup`<b>${'a&b'}</b>`}${[1, '<i>', markup`<br>`]}</p>`;
    expect(page).toBeInstanceOf(Html);
    expect(page.text).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;<b>a&amp;b</b>1&lt;i&gt;<br></p>',
    );
  });

  it('writes nothing for undefined and false, and numbers as text', () => {
    expect(markup`[${undefined}${false}${0}]`.text).toBe('[0]');
  });
});
