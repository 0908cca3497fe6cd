/**
 * HTML built so that escaping is the default: `markup` is a tagged template whose interpolations are
 * escaped unless they are themselves `Html` (made by `markup`), so directory data (attacker-controlled:
 * a cn such as `<script>`) can only ever land in a page as text. Arrays are joined; `undefined` and
 * `false` write nothing, so optional parts read naturally. (Not named `html`: Prettier would reformat
 * every template so tagged, whitespace and the hashed inline style included.)
 */

/** A piece of markup already safe to write. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | undefined | false | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}
