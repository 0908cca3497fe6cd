/** Spare AbortControllers for searches: only a clean one (never aborted, nobody listening) is used again. */
import { describe, expect, it } from 'vitest';
import { SearchControllers } from '../../src/session/search-controllers.js';

describe('SearchControllers', () => {
  it('hands back a controller that was given back clean', () => {
    const controllers = new SearchControllers();
    const first = controllers.take();
    controllers.give(first);
    expect(controllers.spares).toBe(1);
    const again = controllers.take();
    expect(again).toBe(first);
    expect(again.signal.aborted).toBe(false);
    expect(controllers.spares).toBe(0);
  });

  it('never keeps an aborted controller', () => {
    const controllers = new SearchControllers();
    const controller = controllers.take();
    controller.abort(new Error('abandoned'));
    controllers.give(controller);
    expect(controllers.spares).toBe(0);
    expect(controllers.take()).not.toBe(controller);
  });

  it('never keeps a controller whose signal still has an abort listener or handler', () => {
    const controllers = new SearchControllers();
    const listened = controllers.take();
    listened.signal.addEventListener('abort', () => undefined);
    controllers.give(listened);
    const handled = controllers.take();
    handled.signal.onabort = () => undefined;
    controllers.give(handled);
    expect(controllers.spares).toBe(0);
  });

  it('keeps one whose listener was removed again', () => {
    const controllers = new SearchControllers();
    const controller = controllers.take();
    const listener = (): void => undefined;
    controller.signal.addEventListener('abort', listener);
    controller.signal.removeEventListener('abort', listener);
    controllers.give(controller);
    expect(controllers.take()).toBe(controller);
  });

  it('keeps a bounded number of spares', () => {
    const controllers = new SearchControllers();
    const taken = Array.from({ length: 200 }, () => controllers.take());
    for (const controller of taken) controllers.give(controller);
    expect(controllers.spares).toBeLessThan(200);
    expect(controllers.spares).toBeGreaterThan(0);
  });
});
