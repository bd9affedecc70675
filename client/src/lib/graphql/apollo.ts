import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { createApolloClient } from './client';

/** The one Apollo Client of the app (the app runs only in the browser: `ssr = false`). */
export const apollo = createApolloClient({
  onSessionLost: () => {
    void goto(resolve('/login')).then(() => apollo.clearStore());
  },
});
