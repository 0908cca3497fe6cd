/**
 * A search's requested attributes in presented names (docs/views.md). `*`, `+` and `1.1` mean what
 * they mean without a view. A name the view renamed away asks for nothing: it becomes a name no
 * attribute has rather than being dropped, since an emptied list would ask for every attribute.
 */
import { RENAMED_AWAY, type PresentedView } from './presented-view.js';

/** Not an attribute description any schema defines. */
export const NO_ATTRIBUTE = 'x-dirbridge-renamed-away';

export function presentedAttributes(requested: readonly string[], view: PresentedView): readonly string[] {
  let renamed: string[] | undefined;
  for (const [index, name] of requested.entries()) {
    const presented = view.presented(name);
    if (presented === undefined) continue;
    renamed ??= [...requested];
    renamed[index] = presented === RENAMED_AWAY ? NO_ATTRIBUTE : presented;
  }
  return renamed ?? requested;
}
