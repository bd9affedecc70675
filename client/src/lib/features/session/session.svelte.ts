import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { getContext, setContext } from 'svelte';
import { apollo } from '$lib/graphql/apollo';
import {
  LogoutDocument,
  MeDocument,
  type Role,
  type ViewerFieldsFragment,
} from '$lib/graphql/generated/graphql';
import { mutate } from '$lib/graphql/operations.svelte';

const VIEWER_KEY = Symbol('viewer');

/** The signed-in person; the app shell provides it once `me` is known. */
export class ViewerContext {
  constructor(readonly current: () => ViewerFieldsFragment) {}

  get viewer(): ViewerFieldsFragment {
    return this.current();
  }

  hasRole(...roles: Role[]): boolean {
    return roles.some((role) => this.current().roles.includes(role));
  }
}

export function provideViewer(current: () => ViewerFieldsFragment): ViewerContext {
  return setContext(VIEWER_KEY, new ViewerContext(current));
}

export function useViewer(): ViewerContext {
  const context = getContext<ViewerContext | undefined>(VIEWER_KEY);
  if (!context) throw new Error('useViewer() outside the signed-in app shell');
  return context;
}

/** Puts the signed-in viewer into the cache so the app shell renders without another request. */
export function rememberViewer(viewer: ViewerFieldsFragment): void {
  apollo.writeQuery({ query: MeDocument, data: { me: viewer } });
}

export async function signOut(): Promise<void> {
  try {
    await mutate(LogoutDocument, {});
  } finally {
    await goto(resolve('/login'));
    await apollo.clearStore();
  }
}
