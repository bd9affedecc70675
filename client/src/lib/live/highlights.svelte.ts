import { SvelteSet } from 'svelte/reactivity';

/** How long something that just changed stays marked (its CSS animation takes about as long). */
export const HIGHLIGHT_MS = 2500;

/**
 * Keys of things that others just changed (a mark's id, a cell), each marked for a moment so the
 * page can make it flash.
 */
export class Highlights {
  readonly #keys = new SvelteSet<string>();
  /** Bookkeeping, not shown: a plain record keeps it out of reactivity. */
  readonly #timers: Record<string, ReturnType<typeof setTimeout>> = {};

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    clearTimeout(this.#timers[key]);
    this.#keys.add(key);
    this.#timers[key] = setTimeout(() => {
      this.#keys.delete(key);
      delete this.#timers[key];
    }, HIGHLIGHT_MS);
  }

  clear(): void {
    for (const [key, timer] of Object.entries(this.#timers)) {
      clearTimeout(timer);
      delete this.#timers[key];
    }
    this.#keys.clear();
  }
}
