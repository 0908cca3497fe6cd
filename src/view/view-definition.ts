/**
 * A view's definition as config and the shipped views spell it: the client's name for an attribute
 * -> the presented attribute it shows (docs/views.md). `{ telephoneNumber: ipPhone }` shows the
 * presented extension to that client as `telephoneNumber`.
 */
export type ViewDefinition = Readonly<Record<string, string>>;

/** The view that renames nothing: an account names it to opt out of its listener's view. */
export const PRESENTED_VIEW = 'presented';
