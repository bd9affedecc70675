/**
 * A push arriving (issue 17), in Chromium. The server's part is real: a device subscribed through
 * the API with keys this test holds, an announcement posted, and the encrypted push the server
 * sends is taken by a push service on a local port (`server/test/push-peer.ts`) and decrypted as
 * the browser would. The browser's part is driven through the DevTools protocol: the payload is
 * delivered to the app's service worker (`ServiceWorker.deliverPushMessage`), which must show it
 * as a notification, and the notification's click must open the page it names.
 *
 * Headless Chromium cannot take a push from the server into its own subscription: its
 * `pushManager.subscribe` answers "AbortError: Registration failed - permission denied" (the
 * test's contexts are off-the-record profiles, where Chromium refuses push, even with the
 * notifications and push permissions granted), and a real profile's subscription would need the
 * browser vendor's push service (FCM, with Google's API keys, over the network, which tests
 * lack). The last test shows what it answers.
 */
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { FakePushService } from '../../server/test/push-peer';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let peer: FakePushService;

const ADD = `mutation($i:PushDeviceInput!){addPushDevice(input:$i){id}}`;
const REMOVE = `mutation($id:ID!){removePushDevice(id:$id)}`;
const ANNOUNCE = `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}`;

beforeAll(async () => {
  browser = await launchBrowser();
  peer = await new FakePushService().start();
});

afterAll(async () => {
  await browser?.close();
  await peer?.close();
});

beforeEach(async () => {
  ({ context, page } = await openPage(browser, { viewport: PHONE, touch: true }));
  await context.grantPermissions(['notifications'], { origin: inject('baseUrl') });
});

afterEach(async () => {
  await context?.close();
});

/** The app's service worker once it controls the page, and its registration's id for CDP. */
async function worker(): Promise<{ sw: Worker; registrationId: string }> {
  const cdp = await context.newCDPSession(page);
  const registration = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL.startsWith(inject('baseUrl')));
      if (ours && !ours.isDeleted) resolve(ours.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await expect
    .poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 20_000 })
    .toBe(true);
  const registrationId = await registration;
  const sw = context.serviceWorkers().find((w) => w.url().startsWith(inject('baseUrl')));
  expect(sw).toBeDefined();
  deliver = (data: string) =>
    cdp.send('ServiceWorker.deliverPushMessage', {
      origin: inject('baseUrl'),
      registrationId,
      data,
    });
  return { sw: sw!, registrationId };
}
let deliver: (data: string) => Promise<unknown>;

/** The notifications the service worker's registration shows now. */
const shown = () =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      url: (n.data as { url?: string } | null)?.url,
    }));
  });

describe('a push arriving', () => {
  it('the server’s push is shown as a notification, and its click opens the page it names', async () => {
    await signInAs(page, 'parent');
    const { sw } = await worker();

    // The server pushes a director's announcement to the parent's device.
    const device = peer.device('e2e-parent');
    const { addPushDevice } = await graphql<{ addPushDevice: { id: string } }>(page, ADD, {
      i: device.input('Телефон'),
    });
    const director = await openPage(browser);
    try {
      await signInAs(director.page, 'director');
      await graphql(director.page, ANNOUNCE, {
        i: { audience: 'ALL_PARENTS', title: 'Проверка уведомлений', body: 'Текст в дневнике' },
      });
    } finally {
      await director.context.close();
    }
    await expect.poll(() => peer.to(device).length, { timeout: 20_000 }).toBe(1);
    const [push] = peer.to(device);
    expect(push).toMatchObject({ title: 'Новое объявление', body: 'Проверка уведомлений' });
    await graphql(page, REMOVE, { id: addPushDevice.id });

    // What the browser would do with it: its service worker gets the decrypted payload.
    await deliver(JSON.stringify(push));
    await expect
      .poll(shown, { timeout: 10_000 })
      .toEqual([
        { title: 'Новое объявление', body: 'Проверка уведомлений', tag: push.tag, url: push.url },
      ]);

    // The click: headless Chromium has no notification to click, so the service worker is
    // given the event its click would fire, for the notification it showed.
    expect(new URL(page.url()).pathname).toBe('/');
    await sw.evaluate(async () => {
      // The worker's global scope (the tests' types know the page's, not a worker's).
      const scope = globalThis as unknown as {
        registration: ServiceWorkerRegistration;
        dispatchEvent(event: Event): boolean;
        NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
      };
      const [notification] = await scope.registration.getNotifications();
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
    });
    await page.waitForURL((url) => url.pathname === push.url);
    await page.getByText('Проверка уведомлений').first().waitFor();
    expect(await shown()).toEqual([]); // the click closed it
    await screenshot(page, 'push-opened');
  });

  it('a push without a payload still shows the app’s name and opens the start page', async () => {
    await signInAs(page, 'parent');
    await worker();
    await deliver('');
    await expect
      .poll(shown, { timeout: 10_000 })
      .toEqual([{ title: 'Отметка', body: '', tag: '', url: '/' }]);
  });

  it('headless Chromium cannot subscribe to a real push service (what it answers)', async () => {
    await signInAs(page, 'parent');
    await worker();
    const { pushSettings } = await graphql<{ pushSettings: { publicKey: string } }>(
      page,
      `
        {
          pushSettings {
            publicKey
          }
        }
      `,
    );
    const answer = await page.evaluate(async (key) => {
      const registration = await navigator.serviceWorker.ready;
      const raw = Uint8Array.from(atob(key.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      );
      try {
        const s = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: raw,
        });
        const endpoint = s.endpoint;
        await s.unsubscribe();
        return { endpoint };
      } catch (e) {
        return { error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    }, pushSettings.publicKey);
    console.info('pushManager.subscribe in headless Chromium:', JSON.stringify(answer));
    // Either refused, or a vendor's https push service this sandbox cannot reach.
    if ('endpoint' in answer) expect(answer.endpoint).toMatch(/^https:\/\//);
    else expect(answer.error).toMatch(/Error/);
  });
});

describe('push settings on the account page', () => {
  it('a parent turns a kind off and sets quiet hours; both are read back after a reload', async () => {
    await signInAs(page, 'parent');
    await page.goto('/account');
    const kind = page.getByTestId('push-kind-ANNOUNCEMENT');
    await kind.waitFor();
    expect(await kind.isChecked()).toBe(true);
    await kind.uncheck();
    await page.getByTestId('push-quiet').check();
    await page.getByTestId('push-quiet-from-input').fill('22:00');
    await page.getByTestId('push-quiet-to-input').fill('06:30');
    await page.getByTestId('push-save').click();
    await page.getByTestId('push-saved').waitFor();

    await page.reload();
    await page.getByTestId('push-form').waitFor();
    expect(await page.getByTestId('push-kind-ANNOUNCEMENT').isChecked()).toBe(false);
    expect(await page.getByTestId('push-kind-MARK').isChecked()).toBe(true);
    expect(await page.getByTestId('push-quiet-from-input').inputValue()).toBe('22:00');
    expect(await page.getByTestId('push-quiet-to-input').inputValue()).toBe('06:30');

    // Back as it was, for the other tests of the parent.
    await page.getByTestId('push-kind-ANNOUNCEMENT').check();
    await page.getByTestId('push-quiet').uncheck();
    await page.getByTestId('push-save').click();
    await page.getByTestId('push-saved').waitFor();
    const { pushSettings } = await graphql<{
      pushSettings: { kinds: string[]; quietFrom: string | null };
    }>(
      page,
      `
        {
          pushSettings {
            kinds
            quietFrom
          }
        }
      `,
    );
    expect(pushSettings.kinds).toContain('ANNOUNCEMENT');
    expect(pushSettings.quietFrom).toBeNull();
  });
});
