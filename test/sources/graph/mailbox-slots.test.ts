/** The per-mailbox slots: at most the limit in flight per mailbox, waiters in turn, an abandoned wait. */
import { describe, expect, it } from 'vitest';
import { MailboxSlots } from '../../../src/sources/graph/mailbox-slots.js';

const never = new AbortController().signal;

function gate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('MailboxSlots', () => {
  it('runs at most 4 at a time per mailbox, the rest in the order they asked, other mailboxes apart', async () => {
    const slots = new MailboxSlots();
    const gates = Array.from({ length: 6 }, gate);
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      slots.run(
        'Reception@contoso.com',
        async () => {
          started.push(i);
          await g.opened;
          return i;
        },
        never,
      ),
    );
    const other = slots.run('other@contoso.com', () => Promise.resolve('other'), never);
    await expect(other).resolves.toBe('other');
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3]);
    // Names differing in case are one mailbox.
    expect(slots.inFlight('reception@contoso.com')).toBe(4);
    gates[2]!.open();
    await runs[2];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(slots.inFlight('reception@contoso.com')).toBe(4);
    for (const g of gates) g.open();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    expect(slots.inFlight('reception@contoso.com')).toBe(0);
  });

  it('frees the slot of work that fails, and drops a wait that is aborted', async () => {
    const slots = new MailboxSlots(1);
    const first = gate();
    const busy = slots.run('box', () => first.opened.then(() => Promise.reject(new Error('refused'))), never);
    const abort = new AbortController();
    const abandoned = slots.run('box', () => Promise.resolve('never runs'), abort.signal);
    const waiting = slots.run('box', () => Promise.resolve('ran'), never);
    abort.abort(new Error('stopped'));
    await expect(abandoned).rejects.toThrow('stopped');
    first.open();
    await expect(busy).rejects.toThrow('refused');
    await expect(waiting).resolves.toBe('ran');
    expect(slots.inFlight('box')).toBe(0);
  });
});
