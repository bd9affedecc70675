// Ambient SvelteKit types (https://svelte.dev/docs/kit/types#app.d.ts): the app uses none yet.
export {};
