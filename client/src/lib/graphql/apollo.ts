import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { createLiveSocket } from '$lib/live/socket';
import { createApolloClient, graphqlUrl } from './client';

/** The app's one WebSocket: Apollo's subscriptions and the live streams (`$lib/live`) share it. */
export const socket = createLiveSocket(() => graphqlUrl('ws'));

/** The one Apollo Client of the app (the app runs only in the browser: `ssr = false`). */
export const apollo = createApolloClient({
  onSessionLost: () => {
    void goto(resolve('/login')).then(() => apollo.clearStore());
  },
  socket: socket.client,
});
