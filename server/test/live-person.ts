import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { GqlClient, TestApp } from './helpers.js';

export interface PersonalEvent {
  id: string;
  type: string;
  payload: string;
}

/** A signed-in socket's `messagingEvents` (the personal feed), collected as they come. */
export function personalFeed(t: TestApp, client: GqlClient, after?: string) {
  const { cookie, origin } = client;
  class Authed extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie, origin } });
    }
  }
  const ws: Client = createClient({
    url: t.url.replace('http', 'ws'),
    webSocketImpl: Authed,
    retryAttempts: 0,
  });
  const events: PersonalEvent[] = [];
  ws.subscribe<{ messagingEvents: PersonalEvent }>(
    {
      query: 'subscription($a:ID){messagingEvents(after:$a){id type payload}}',
      variables: { a: after },
    },
    {
      next: (r) => r.data && events.push(r.data.messagingEvents),
      error: () => {},
      complete: () => {},
    },
  );
  return { events, close: () => ws.dispose() };
}
