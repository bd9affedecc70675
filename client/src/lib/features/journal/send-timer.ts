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
