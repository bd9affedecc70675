import { backoffDelay } from './backoff';
import { compareIds, type RawLiveEvent } from './events';

/**
 * One live subscription that does not lose events: it remembers the id of the last event it
 * passed on, drops what it has already seen (a replay may repeat it), and when the connection
 * fails it waits (longer each time) and subscribes again with `after` that id, so the server
 * sends what was missed first. When the server cannot replay that far back (RESYNC_REQUIRED), or
 * there is no id to resume from, the page reads its data again (`onResync`).
 *
 * Framework-free: the socket comes in as `connect`, so the rules can be tested without one.
 */

/** How a subscription ended, as `connect` reports it. */
export type StreamFailure =
  /** The server no longer has the events after `after`: read the page again. */
  | 'resync'
  /** The socket closed or could not open: try again later. */
  | 'network'
  /** The server failed (INTERNAL_SERVER_ERROR): try again later. */
  | 'server'
  /** The session is gone: stop. */
  | 'unauthenticated'
  /** Not allowed or not found (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT): stop. */
  | 'refused';

export interface StreamSink {
  /** The socket is up and the subscription is on it. */
  open(): void;
  next(event: RawLiveEvent): void;
  fail(failure: StreamFailure): void;
  /** The server ended the subscription without an error (e.g. it is shutting down). */
  end(): void;
}

/** Subscribes with `after` (null: from now on); returns what ends the subscription. */
export type Connect = (after: string | null, sink: StreamSink) => () => void;

export type StreamStatus = 'idle' | 'connecting' | 'live' | 'down' | 'stopped';

export interface StreamOptions {
  connect: Connect;
  onEvent: (event: RawLiveEvent) => void;
  /** Events may have been missed and cannot be replayed: the page should read its data again. */
  onResync?: () => void;
  onStatus?: (status: StreamStatus) => void;
  /** The stream gave up for good (`unauthenticated` or `refused`). */
  onStop?: (reason: 'unauthenticated' | 'refused') => void;
  /** The wait before retry number `attempt` (from 0). */
  delay?: (attempt: number) => number;
  /** False while the device knows it is offline: retries then wait for `retryNow()`. */
  isOnline?: () => boolean;
}

export class LiveStream {
  #options: StreamOptions;
  #status: StreamStatus = 'idle';
  /** The id of the last event passed on. */
  #lastId: string | null = null;
  /** `#lastId` can be resumed from (false after a resync, until the next event). */
  #resumable = false;
  /** The stream has been on the socket before: a start without an id may have missed events. */
  #wasOpen = false;
  /** The page should read its data again once the subscription is on the socket. */
  #resyncOnOpen = false;
  #attempt = 0;
  #close: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Increases with each subscription, so that a late call from an old one is ignored. */
  #generation = 0;

  constructor(options: StreamOptions) {
    this.#options = options;
  }

  get status(): StreamStatus {
    return this.#status;
  }

  get lastId(): string | null {
    return this.#lastId;
  }

  start(): void {
    if (this.#status !== 'idle' && this.#status !== 'stopped') return;
    this.#attempt = 0;
    this.#setStatus('connecting');
    this.#subscribe();
  }

  stop(): void {
    this.#unsubscribe();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#setStatus('stopped');
  }

  /** Tries again at once if the stream is waiting, e.g. when the device is back online. */
  retryNow(): void {
    if (this.#status !== 'down' || this.#close) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#subscribe();
  }

  #setStatus(status: StreamStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#options.onStatus?.(status);
  }

  #unsubscribe(): void {
    this.#generation++;
    const close = this.#close;
    this.#close = undefined;
    close?.();
  }

  #subscribe(): void {
    this.#unsubscribe();
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    const after = this.#resumable ? this.#lastId : null;
    // Subscribed from now on: what happened since the last event seen is read with the page.
    if (after === null && this.#wasOpen) this.#resyncOnOpen = true;
    this.#close = this.#options.connect(after, {
      open: () => {
        if (!current()) return;
        this.#opened();
      },
      next: (event) => {
        if (!current()) return;
        this.#receive(event);
      },
      fail: (failure) => {
        if (current()) this.#fail(failure);
      },
      end: () => {
        if (current()) this.#retryLater();
      },
    });
  }

  #opened(): void {
    this.#wasOpen = true;
    this.#attempt = 0;
    this.#setStatus('live');
    if (this.#resyncOnOpen) {
      // Read only now, with the connection back: earlier the request would fail as well.
      this.#resyncOnOpen = false;
      this.#options.onResync?.();
    }
  }

  #receive(event: RawLiveEvent): void {
    if (this.#status !== 'live') this.#opened();
    if (this.#lastId !== null && compareIds(event.id, this.#lastId) <= 0) {
      // Seen before (a replay overlapping what came live): the page has it already.
      this.#resumable = true;
      return;
    }
    this.#lastId = event.id;
    this.#resumable = true;
    this.#options.onEvent(event);
  }

  #fail(failure: StreamFailure): void {
    switch (failure) {
      case 'resync':
        this.#resumable = false;
        this.#wasOpen = true;
        this.#subscribe();
        return;
      case 'unauthenticated':
      case 'refused':
        this.stop();
        this.#options.onStop?.(failure);
        return;
      case 'network':
      case 'server':
        this.#retryLater();
        return;
    }
  }

  #retryLater(): void {
    this.#unsubscribe();
    this.#setStatus('down');
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Offline: nothing to try until the device says it is back (`retryNow`).
    if (this.#options.isOnline && !this.#options.isOnline()) return;
    const wait = (this.#options.delay ?? backoffDelay)(this.#attempt++);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#subscribe();
    }, wait);
  }
}
