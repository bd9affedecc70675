/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

/**
 * Otmetka's service worker (decision 53): the app shell from the cache, the last-read diary week
 * readable offline, Web Push shown as notifications. A new version waits until the page asks it
 * to take over (the “new version” prompt), so a page never runs on half-replaced files.
 */
import { build, files, version } from '$service-worker';
import {
  OFFLINE_OPERATIONS,
  SAVED_AT_HEADER,
  dataKey,
  type WorkerMessage,
} from '$lib/features/push/offline';

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = `shell-${version}`;
const DATA = 'data';
const ASSETS = [...build, ...files];

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll([...ASSETS, '/'])));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key !== SHELL && key !== DATA) await caches.delete(key);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  const message = event.data as WorkerMessage | undefined;
  if (message?.type === 'apply-update') void sw.skipWaiting();
  if (message?.type === 'forget-data') event.waitUntil(caches.delete(DATA));
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.method === 'POST' && url.pathname === '/graphql') {
    event.respondWith(graphql(event));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
  }
});

/** A page: from the network, or the app shell when offline (a single-page app, `index.html`). */
async function page(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match('/', { cacheName: SHELL });
    if (shell) return shell;
    throw error;
  }
}

/**
 * GraphQL: the network first. The few reads the offline diary needs (who is signed in, the diary
 * week) are kept when they answer without errors, and answered from there when the network is
 * gone, stamped with when they were read. Signing out forgets them.
 */
async function graphql(event: FetchEvent): Promise<Response> {
  const request = event.request;
  const body = (await request
    .clone()
    .json()
    .catch(() => null)) as { operationName?: string; variables?: unknown } | null;
  const operation = body?.operationName ?? '';
  if (operation === 'Logout') await caches.delete(DATA);
  if (!OFFLINE_OPERATIONS.includes(operation)) return fetch(request);
  const key = dataKey(operation, body?.variables);
  try {
    const response = await fetch(request);
    if (response.ok) event.waitUntil(keep(key, response.clone()));
    return response;
  } catch (error) {
    const saved = await caches.match(key, { cacheName: DATA });
    if (!saved) throw error;
    const client = await sw.clients.get(event.clientId);
    client?.postMessage({ type: 'offline-data', savedAt: saved.headers.get(SAVED_AT_HEADER) });
    return saved;
  }
}

async function keep(key: string, response: Response): Promise<void> {
  const text = await response.text();
  const parsed = JSON.parse(text) as { errors?: unknown[]; data?: { me?: unknown } };
  if (parsed.errors?.length) return;
  const cache = await caches.open(DATA);
  // Nobody signed in: nothing of anyone's is kept.
  if (parsed.data && 'me' in parsed.data && parsed.data.me === null) {
    await caches.delete(DATA);
    return;
  }
  await cache.put(
    key,
    new Response(text, {
      headers: { 'content-type': 'application/json', [SAVED_AT_HEADER]: new Date().toISOString() },
    }),
  );
}

/** A push: shown as a notification; a click opens (or focuses) the page it names. */
sw.addEventListener('push', (event) => {
  const push = (event.data?.json() ?? {}) as {
    title?: string;
    body?: string;
    url?: string;
    tag?: string;
  };
  event.waitUntil(
    sw.registration.showNotification(push.title ?? 'Отметка', {
      body: push.body ?? '',
      tag: push.tag,
      icon: '/icons/icon-192.png',
      badge: '/icons/maskable-192.png',
      data: { url: push.url ?? '/' },
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(
    (event.notification.data as { url?: string } | null)?.url ?? '/',
    sw.location.origin,
  );
  event.waitUntil(
    (async () => {
      const open = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // Focusing may be refused (the browser's own rules on stealing focus): the page the push
      // names is still the one shown.
      const focus = (c: WindowClient) => c.focus().catch(() => c);
      const same = open.find((c) => new URL(c.url).pathname === url.pathname);
      if (same) return void (await focus(same));
      const any = open[0];
      if (any) {
        await focus(any);
        return void (await any.navigate(url.href));
      }
      await sw.clients.openWindow(url.href);
    })(),
  );
});
