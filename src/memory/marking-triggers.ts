/**
 * When V8 starts marking the old generation for a full collection: once most of the room a full
 * collection left has been used, instead of its default. V8 starts marking as soon as the room left
 * is no larger than the young generation's capacity. dirbridge keeps its people outside the V8 heap
 * (a replica's store is shared memory), so after a full collection its old generation holds ~20 MB
 * and is given ~15 MB of room, while the young generation (`--max-semi-space-size=8`) grows to 16 MB
 * under load: measured with `--trace-incremental-marking`, 32 connections exporting 100,000 people
 * then ran a full collection every 0.3–1 s (13 in 8 s), each started with the room untouched. With
 * the triggers below, 3–5 in 8 s, and the server's CPU per page fell from 6.8–8.9 ms to 5.5–6.4 ms
 * (three alternated runs each; slapd beside it unchanged).
 */
import { setFlagsFromString } from 'node:v8';

/** Percent of the room left by the last full collection used before marking starts in a task. */
export const MARKING_SOFT_TRIGGER = 80;
/** Percent used before marking starts at once. */
export const MARKING_HARD_TRIGGER = 95;

/** The V8 flags that set the triggers; V8 ignores a flag it does not know, so a test checks these. */
export const MARKING_FLAGS: readonly string[] = [
  `--incremental-marking-soft-trigger=${MARKING_SOFT_TRIGGER}`,
  `--incremental-marking-hard-trigger=${MARKING_HARD_TRIGGER}`,
];

/** Sets the triggers for every isolate of the process (V8 reads them at each decision). */
export function setMarkingTriggers(setFlags: (flags: string) => void = setFlagsFromString): void {
  for (const flag of MARKING_FLAGS) setFlags(flag);
}
