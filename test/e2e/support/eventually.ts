/** Waiting for a running server to reach a state, with a liveness bound instead of a timed assertion. */

/** How long an end-to-end test waits for what should happen soon before it calls it a hang. */
export const LIVENESS_MS = 30_000;

/** Runs `step` until it reports done; fails, naming `what`, after `ms`. */
export async function eventually(
  step: () => Promise<boolean> | boolean,
  what: string,
  ms = LIVENESS_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await step())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
