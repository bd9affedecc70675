import {
  print,
  type DocumentNode,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { RawLiveEvent } from './events';
import type { Connect, StreamFailure } from './stream';

/**
 * The app's one WebSocket (graphql-ws), shared by Apollo's subscription link and the live
 * streams. It does not resubscribe by itself: a stream must come back with `after` the last
 * event it saw, so each closed socket ends the subscriptions on it (`retryAttempts: 0`) and the
 * streams retry on their own schedule (see `stream.ts`). A socket that stops answering pings, or
 * that does not open in time, is dropped so that the streams notice.
 */

/** A ping when the socket has been quiet this long… */
const PING_EVERY_MS = 15_000;
/** …and the socket counts as dead without a pong this soon after it. */
const PONG_WITHIN_MS = 7_000;
/** Opening the socket (up to the server's acknowledgement) may take this long. */
const OPEN_WITHIN_MS = 10_000;
/** A page that stops listening and the next that starts share the socket. */
const KEEP_IDLE_MS = 5_000;

export interface LiveSocket {
  /** For Apollo's `GraphQLWsLink`. */
  readonly client: Client;
  /** True between the server's acknowledgement and the socket closing. */
  readonly connected: boolean;
  /** Called with each acknowledgement; returns what stops listening. */
  onConnected(listener: () => void): () => void;
  /** Called when the socket closes; `code` is the close code. */
  onClosed(listener: (code: number | undefined) => void): () => void;
  /** Drops the socket at once (no goodbye to a server that cannot hear it). */
  terminate(): void;
}

export function createLiveSocket(url: () => string): LiveSocket {
  let connected = false;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let openTimer: ReturnType<typeof setTimeout> | undefined;
  const connectedListeners = new Set<() => void>();
  const closedListeners = new Set<(code: number | undefined) => void>();

  const client: Client = createClient({
    url,
    retryAttempts: 0,
    lazyCloseTimeout: KEEP_IDLE_MS,
    keepAlive: PING_EVERY_MS,
    on: {
      connecting: () => {
        clearTimeout(openTimer);
        openTimer = setTimeout(() => client.terminate(), OPEN_WITHIN_MS);
      },
      connected: () => {
        clearTimeout(openTimer);
        connected = true;
        for (const listener of [...connectedListeners]) listener();
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => client.terminate(), PONG_WITHIN_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      closed: (event) => {
        clearTimeout(openTimer);
        clearTimeout(pongTimer);
        connected = false;
        const code = (event as { code?: unknown } | undefined)?.code;
        for (const listener of [...closedListeners]) {
          listener(typeof code === 'number' ? code : undefined);
        }
      },
    },
  });

  return {
    client,
    get connected() {
      return connected;
    },
    onConnected(listener) {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    onClosed(listener) {
      closedListeners.add(listener);
      return () => closedListeners.delete(listener);
    },
    terminate() {
      client.terminate();
    },
  };
}

/** The close code with which the server ends a socket whose session has ended or expired. */
const UNAUTHORIZED_CLOSE = 4401;

/** Sorts what a subscription failed with into what the stream should do. */
export function failureOf(error: unknown): StreamFailure {
  if (Array.isArray(error)) return failureOfErrors(error as GraphQLFormattedError[]);
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    return (error as { code: unknown }).code === UNAUTHORIZED_CLOSE ? 'unauthenticated' : 'network';
  }
  return 'network';
}

/** What GraphQL errors of a subscription (`extensions.code`) mean for the stream. */
export function failureOfErrors(errors: readonly GraphQLFormattedError[]): StreamFailure {
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.includes('RESYNC_REQUIRED')) return 'resync';
  if (codes.includes('UNAUTHENTICATED')) return 'unauthenticated';
  // A server in trouble may answer later; a refusal (or an invalid request) will not change.
  if (codes.some((c) => c === 'INTERNAL_SERVER_ERROR' || c === 'RATE_LIMITED')) return 'server';
  return 'refused';
}

/**
 * A `Connect` for `LiveStream` that subscribes with `document` (whose only field is a
 * `LiveEvent`) on the socket; `variables` come without `after`, which the stream adds.
 */
export function connectOn(
  socket: LiveSocket,
  document: DocumentNode,
  variables: Record<string, unknown>,
): Connect {
  const query = print(document);
  return (after, sink) => {
    let done = false;
    const stopListening = socket.onConnected(() => {
      if (!done) sink.open();
    });
    if (socket.connected) queueMicrotask(() => !done && sink.open());
    const dispose = socket.client.subscribe<Record<string, RawLiveEvent>>(
      { query, variables: { ...variables, after } },
      {
        next: (result: FormattedExecutionResult<Record<string, RawLiveEvent>>) => {
          if (done) return;
          if (result.errors && result.errors.length > 0) {
            done = true;
            sink.fail(failureOfErrors(result.errors));
            return;
          }
          const event = result.data ? Object.values(result.data)[0] : undefined;
          if (event) sink.next(event);
        },
        error: (error) => {
          if (done) return;
          done = true;
          sink.fail(failureOf(error));
        },
        complete: () => {
          if (done) return;
          done = true;
          sink.end();
        },
      },
    );
    return () => {
      done = true;
      stopListening();
      dispose();
    };
  };
}
