import type { DocumentNode } from 'graphql';
import { apollo, socket } from '$lib/graphql/apollo';
import { MeDocument } from '$lib/graphql/generated/graphql';
import { parseLiveEvent, type LiveEvent } from './events';
import { connectOn } from './socket';
import { LiveStream, type StreamStatus } from './stream';

/**
 * The live streams of the open pages, on the app's one socket, and the state of the connection
 * they share for the indicator in the header.
 */

/** The streams started and not stopped (bookkeeping, not shown). */
const streams: LiveStream[] = [];
const statuses = $state<Record<number, StreamStatus>>({});
let nextKey = 0;

/** Whether the header should say that the connection is lost. */
export const connection = {
  /** A stream that was on the socket lost it and waits to reconnect. */
  get down(): boolean {
    return Object.values(statuses).some((status) => status === 'down');
  },
  /** The streams together: `down` if one is, else `connecting` if one is, else `live` or `idle`. */
  get state(): 'idle' | 'connecting' | 'live' | 'down' {
    const all = Object.values(statuses);
    if (all.includes('down')) return 'down';
    if (all.includes('connecting')) return 'connecting';
    return all.includes('live') ? 'live' : 'idle';
  },
};

/** The session ended under a live page: reading `me` again sends the page to the sign-in. */
function checkSession(): void {
  apollo.query({ query: MeDocument, fetchPolicy: 'network-only' }).catch(() => {});
}

export interface LiveOptions {
  /** A subscription whose one field is a `LiveEvent`, with an `$after: ID` variable. */
  document: DocumentNode;
  /** Its variables except `after`. */
  variables: Record<string, unknown>;
  onEvent: (event: LiveEvent) => void;
  /** Events were missed for good: the page should read its data again. */
  onResync?: () => void;
}

/** Starts a stream; returns what stops it (call it when the page goes). */
export function openLiveStream(options: LiveOptions): () => void {
  const key = nextKey++;
  const stream = new LiveStream({
    connect: connectOn(socket, options.document, options.variables),
    onEvent: (raw) => {
      const event = parseLiveEvent(raw);
      if (event) options.onEvent(event);
    },
    onResync: options.onResync,
    onStatus: (status) => (statuses[key] = status),
    onStop: (reason) => {
      if (reason === 'unauthenticated') checkSession();
    },
    isOnline: () => navigator.onLine,
  });
  streams.push(stream);
  stream.start();
  return () => {
    stream.stop();
    const at = streams.indexOf(stream);
    if (at >= 0) streams.splice(at, 1);
    delete statuses[key];
  };
}

if (typeof window !== 'undefined') {
  // The device says it lost the network: the socket may look open for minutes, so drop it now
  // (the streams then wait); back online, they reconnect at once instead of after their wait.
  window.addEventListener('offline', () => socket.terminate());
  window.addEventListener('online', () => {
    for (const stream of streams) stream.retryNow();
  });
}
