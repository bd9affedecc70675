import { apollo, socket } from '$lib/graphql/apollo';
import { MessagingEventsDocument, UnreadTotalDocument } from '$lib/graphql/generated/graphql';
import type { RawLiveEvent } from '$lib/live/events';
import { connectOn } from '$lib/live/socket';
import { LiveStream } from '$lib/live/stream';
import { messagingEvent, type MessagingEvent } from './events';

type Listener = (event: MessagingEvent | 'resync') => void;

/**
 * The viewer's messaging events on the app's socket, shared by the header's unread count and the
 * open messages page, and the unread total they keep current. The events carry ids only, so each
 * listener reads again what an event touches.
 */
class MessagingFeed {
  unreadTotal = $state(0);
  readonly #listeners = new Set<Listener>();
  #stream: LiveStream | undefined;
  #users = 0;
  #reading: Promise<void> | undefined;
  #again = false;

  /** Starts the stream for one more user; returns what stops it for that user. */
  start(): () => void {
    this.#users++;
    if (!this.#stream) {
      this.#stream = new LiveStream({
        connect: connectOn(socket, MessagingEventsDocument, {}),
        onEvent: (raw) => this.#take(raw),
        onResync: () => this.#emit('resync'),
        isOnline: () => navigator.onLine,
      });
      this.#stream.start();
      void this.refreshTotal();
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      if (--this.#users === 0) {
        this.#stream?.stop();
        this.#stream = undefined;
        // The next to start may be someone else signed in on this page.
        this.unreadTotal = 0;
      }
    };
  }

  /** Calls `listener` with each event; returns what stops it. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads the unread total again; calls that come while one runs make one more read. */
  async refreshTotal(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      do {
        this.#again = false;
        try {
          const { data } = await apollo.query({
            query: UnreadTotalDocument,
            fetchPolicy: 'network-only',
          });
          if (data) this.unreadTotal = data.conversations.unreadTotal;
        } catch {
          // The count stays as it was until the next event.
        }
      } while (this.#again);
    })();
    try {
      await this.#reading;
    } finally {
      this.#reading = undefined;
    }
  }

  #take(raw: RawLiveEvent): void {
    const event = messagingEvent(raw);
    if (!event) return;
    // A receipt is about the other person's reading: the viewer's own count is the same.
    if (event.type !== 'READ_RECEIPT') void this.refreshTotal();
    this.#emit(event);
  }

  #emit(event: MessagingEvent | 'resync'): void {
    if (event === 'resync') void this.refreshTotal();
    for (const listener of this.#listeners) listener(event);
  }
}

export const messagingFeed = new MessagingFeed();
