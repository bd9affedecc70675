import { redirect } from '@sveltejs/kit';

// /admin itself has no screen: the overview lives on the home page.
export function load(): never {
  redirect(307, '/');
}
