// A single-page app: everything renders in the browser and talks to /graphql.
export const ssr = false;
export const prerender = false;
