import type { Track } from './cell';

/**
 * The clock of a queue that saves edits in batches (the journal's marks and attendance, the
 * period marks): edits made within `delayMs` of each other go out together, and the requests on
 * their way are kept so that `settle` can wait for them.
 */
export class SendTimer {
  readonly #send: () => Promise<void>;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #running = new Set<Promise<void>>();

  /** `send` flushes the queue; it starts by calling `stop`. */
  constructor(send: () => Promise<void>, delayMs = 300) {
    this.#send = send;
    this.#delayMs = delayMs;
  }

  /** True while a batch is due or a request is on its way. */
  get active(): boolean {
    return this.#timer !== undefined || this.#running.size > 0;
  }

  /** Sends after the delay, unless a send is already due. */
  schedule(): void {
    this.#timer ??= setTimeout(() => void this.#send(), this.#delayMs);
  }

  /** Stops the clock; what is on its way still lands. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Keeps a request among those on their way until it ends. */
  track(job: Promise<void>): Promise<void> {
    this.#running.add(job);
    return job.finally(() => this.#running.delete(job));
  }

  /** Sends and waits, again and again, until `busy` says nothing waits or travels. */
  async settle(busy: () => boolean): Promise<void> {
    while (busy()) {
      await this.#send();
      await Promise.all([...this.#running]);
    }
  }
}

/**
 * A queue of edits on a `SendTimer` (the journal's cells, the period marks): it knows what waits
 * and how to send it; this class holds the clock and the answers to "busy?", "send now", "wait".
 */
export abstract class BatchQueue<Options extends { delayMs?: number }> {
  protected readonly options: Options;
  protected readonly sending: SendTimer;

  constructor(options: Options) {
    this.options = options;
    this.sending = new SendTimer(() => this.flush(), options.delayMs);
  }

  /** An edit waits to be sent (not one held for the teacher). */
  protected abstract waiting(): boolean;

  /** Starts sending what waits and is not on its way or held; one request per batch. */
  protected abstract sendWaiting(): Promise<void>[];

  /** After the teacher's edit of a track: it waits to be sent, or is back to what the server has. */
  protected edited(track: Track, dirty: boolean): void {
    track.hold = false;
    track.message = undefined;
    if (dirty || track.inFlight) {
      track.state = 'saving';
      this.sending.schedule();
    } else {
      // Back to what the server has: nothing to send.
      track.state = track.state === 'saving' || track.state === 'saved' ? 'saved' : 'idle';
    }
  }

  /** True while an edit waits to be sent or is on its way. */
  get busy(): boolean {
    return this.sending.active || this.waiting();
  }

  /** Sends what waits now, without the delay. */
  flush(): Promise<void> {
    this.sending.stop();
    const jobs = this.sendWaiting().map((job) => this.sending.track(job));
    return Promise.all(jobs).then(() => undefined);
  }

  /** Resolves once nothing waits or travels (what is held for the teacher stays held). */
  settle(): Promise<void> {
    return this.sending.settle(() => this.busy);
  }

  /** Stops the timer; what is on its way still lands. */
  dispose(): void {
    this.sending.stop();
  }
}
