import { createHash } from 'node:crypto';

/**
 * The mechanism of a live query (a subscription that re-runs a read after the writes that move
 * it: saved report views, decisions 38 and 59; the journal-health dashboard, decision 47): the
 * refresh, debounced and re-run when writes came while it ran; the hash that keeps an unchanged
 * answer unsent; the queue the subscription reads.
 */

/**
 * A refresh run at most once per `debounceMs()`, after a settle. A write heard while it runs makes
 * it run once more when done. The body handles its own failures (it must not reject).
 */
export class Refresh {
  /** When the read last ran: the owner sets it as it runs the read (in the body or outside it). */
  lastRun = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly debounceMs: () => number,
    private readonly body: () => Promise<void>,
  ) {}

  /** Nothing heard since the last run and none running: its answer is current. */
  get current(): boolean {
    return !this.dirty && !this.running;
  }

  /**
   * Something moved: run after `settleMs`, and not before `debounceMs` after the last run unless
   * `now` (a re-check of access is not held back).
   */
  schedule(settleMs: number, now = false): void {
    this.dirty = true;
    if (this.timer || this.running || this.stopped) return;
    const wait = Math.max(settleMs, this.lastRun + (now ? 0 : this.debounceMs()) - Date.now());
    this.timer = setTimeout(() => void this.fire(), wait);
  }

  /** No more runs (the subscriptions are gone). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.dirty = false;
    this.running = true;
    try {
      await this.body();
    } finally {
      this.running = false;
      if (this.dirty && !this.stopped) this.schedule(0);
    }
  }
}

/** A value's SHA-256 (of its JSON): the answer last sent, to send only a changed one. */
export function answerHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

/**
 * A subscription's values as an async iterator; `return()` (the client left) ends it at once. A
 * failure is yielded as the error (the resolver throws it) after what was queued, then it ends.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private failure: Error | undefined;
  private done = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onEnd: () => void) {}

  push(v: T): void {
    this.items.push(v);
    this.wake?.();
  }

  fail(e: Error): void {
    this.failure = e;
    this.wake?.();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const v = this.items.shift();
      if (v !== undefined) return { done: false, value: v };
      if (this.failure) {
        this.done = true;
        return { done: false, value: this.failure as T };
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.done = true;
    this.onEnd();
    this.wake?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
