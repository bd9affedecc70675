/**
 * A parent's live diary as the app keeps it (client/src/lib/live/stream.ts): one graphql-ws socket
 * without the library's own retries; when it closes, a new socket to the same address subscribes
 * again with `after` the last event seen. Unlike the app it drops nothing it receives, so that a
 * test can count repeats.
 */
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { UPSTREAM_HEADER } from './nginx.js';

export interface LiveEvent {
  id: string;
  type: string;
  payload: string;
}

export const DIARY =
  'subscription($p:ID!,$a:ID){diaryEvents(pupilId:$p,after:$a){id type payload}}';

/** A signed-in socket; `upstream` is the replica nginx chose for it (null when direct). */
export interface Socket {
  client: Client;
  upstream: Promise<string | null>;
  closed: Promise<number>;
}

export function openSocket(url: string, origin: string, cookie: string): Socket {
  let upstreamResolve: (u: string | null) => void = () => {};
  const upstream = new Promise<string | null>((r) => (upstreamResolve = r));
  let closedResolve: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (closedResolve = r));
  class Authed extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie, origin } });
      this.once('upgrade', (res) => {
        const h = res.headers[UPSTREAM_HEADER];
        upstreamResolve(typeof h === 'string' ? h : null);
      });
    }
  }
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: Authed,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      closed: (e) => {
        upstreamResolve(null);
        closedResolve((e as { code?: number } | undefined)?.code ?? 0);
      },
    },
  });
  return { client, upstream, closed };
}

/** Waits until `done()` or `ms` pass; true if it came true. */
export async function until(done: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return done();
}

/** One subscription on one socket: every event and error it got, in arrival order. */
export function subscribe(socket: Socket, pupilId: string, after: string | null) {
  const events: LiveEvent[] = [];
  const errors: unknown[] = [];
  let ended = false;
  const dispose = socket.client.subscribe<{ diaryEvents: LiveEvent }>(
    { query: DIARY, variables: { p: pupilId, a: after } },
    {
      next: (r) => {
        if (r.errors) errors.push(r.errors);
        if (r.data) events.push(r.data.diaryEvents);
      },
      error: (e) => {
        errors.push(e);
        ended = true;
      },
      complete: () => (ended = true),
    },
  );
  return {
    events,
    errors,
    dispose,
    get ended() {
      return ended;
    },
  };
}

/**
 * A diary that comes back by itself: on each socket lost it reconnects every `retryMs` to `url`
 * (through the proxy: whichever replica is alive) and resumes after the last event seen.
 */
export class ResumingDiary {
  /** Every event received, repeats included, across all sockets. */
  readonly received: LiveEvent[] = [];
  /**
   * Each socket that reached the server: when its attempt began and when it was acknowledged, the
   * replica behind it, and the cursor it resumed from.
   */
  readonly connections: {
    tried: number;
    at: number;
    upstream: string | null;
    after: string | null;
  }[] = [];
  /** When each socket was lost. */
  readonly drops: number[] = [];
  /** Errors other than a lost socket (a refusal, RESYNC_REQUIRED): none expected. */
  readonly errors: unknown[] = [];
  #socket: Socket | undefined;
  #stopped = false;

  constructor(
    private readonly url: string,
    private readonly origin: string,
    private readonly cookie: string,
    private readonly pupilId: string,
    private readonly retryMs = 100,
    /** Awaited before reconnecting after a drop (a test holds the client back with it). */
    private readonly beforeReconnect: () => Promise<void> = async () => {},
  ) {}

  get lastId(): string | null {
    return this.received.at(-1)?.id ?? null;
  }

  /** Connects, and keeps connecting until `stop()`. Resolves once the first socket is up. */
  async start(): Promise<void> {
    await this.#connect(true);
  }

  /** `first`: a refusal is a fault to report, not a replica going away. */
  async #connect(first = false): Promise<void> {
    while (!this.#stopped) {
      const tried = Date.now();
      const socket = openSocket(this.url, this.origin, this.cookie);
      const after = this.lastId;
      const code = await Promise.race([
        new Promise<null>((resolve) => socket.client.on('connected', () => resolve(null))),
        socket.closed,
      ]);
      if (code !== null) {
        if (first) throw new Error(`the diary's first socket was refused (close code ${code})`);
        await new Promise((r) => setTimeout(r, this.retryMs));
        continue;
      }
      this.#socket = socket;
      this.connections.push({ tried, at: Date.now(), upstream: await socket.upstream, after });
      this.#listen(socket, after);
      void socket.closed.then(async () => {
        if (this.#stopped) return;
        this.drops.push(Date.now());
        await this.beforeReconnect();
        setTimeout(() => void this.#connect(), this.retryMs);
      });
      return;
    }
  }

  #listen(socket: Socket, after: string | null): void {
    socket.client.subscribe<{ diaryEvents: LiveEvent }>(
      { query: DIARY, variables: { p: this.pupilId, a: after } },
      {
        next: (r) => {
          if (r.errors) this.errors.push(r.errors);
          if (r.data) this.received.push(r.data.diaryEvents);
        },
        // A closed socket errors its subscriptions too; that is what the reconnect is for.
        error: (e) => {
          if (!(e && typeof e === 'object' && 'code' in e)) this.errors.push(e);
        },
        complete: () => {},
      },
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#socket?.client.dispose();
  }
}
