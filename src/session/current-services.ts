/**
 * The services sessions use now. A reload builds a whole new set (directory, sign-on, access, limits)
 * and swaps it in at once; each operation takes the set current when it starts and keeps it to the
 * end, so no operation ever sees half a reload, and one in flight finishes under the settings it
 * started with.
 */
import type { SessionServices } from './services.js';

export class CurrentServices {
  #services: SessionServices;

  constructor(services: SessionServices) {
    this.#services = services;
  }

  get current(): SessionServices {
    return this.#services;
  }

  replace(next: SessionServices): void {
    this.#services = next;
  }
}

/** A fixed set (tests, tools) or a swappable one (the server). */
export function currentServices(services: SessionServices | CurrentServices): CurrentServices {
  return services instanceof CurrentServices ? services : new CurrentServices(services);
}
