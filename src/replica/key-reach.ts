/**
 * Which structures a key is reached through: the trigram index (CONTAINS) and the suffix order
 * (ENDS). A number's shorter forms sit inside its longer ones and are found through those.
 */
export const CONTAINS = 1;
export const ENDS = 2;
export const ALL_REACH = CONTAINS | ENDS;
