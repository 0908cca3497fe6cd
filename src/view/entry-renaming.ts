/**
 * A search entry's attributes in the client's names (docs/views.md): a renamed attribute gets a new
 * type and keeps its values (empty under typesOnly); the array is copied only when something is
 * renamed, and the same array comes back otherwise.
 */
import type { SelectedAttribute } from '../directory/attribute-selection.js';
import type { PresentedView } from './presented-view.js';

export function clientAttributes(
  attributes: readonly SelectedAttribute[],
  view: PresentedView,
): readonly SelectedAttribute[] {
  let renamed: SelectedAttribute[] | undefined;
  for (let index = 0; index < attributes.length; index++) {
    const attribute = attributes[index]!;
    const name = view.client(attribute.type);
    if (name === undefined) continue;
    renamed ??= attributes.slice();
    renamed[index] = { type: name, values: attribute.values };
  }
  return renamed ?? attributes;
}
