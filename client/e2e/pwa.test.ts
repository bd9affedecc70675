import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  ({ context, page } = await openPage(browser, { viewport: PHONE, touch: true }));
});

afterEach(async () => {
  await context?.close();
});

interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  display: string;
  theme_color: string;
  icons: { src: string; sizes: string; type: string; purpose: string }[];
}

describe('installable app', () => {
  it('serves a valid manifest with its icons, linked from the page', async () => {
    await page.goto('/login');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toMatch(/manifest\.webmanifest$/);
    const response = await page.request.get(new URL(href!, page.url()).href);
    expect(response.ok()).toBe(true);
    const manifest = (await response.json()) as Manifest;
    expect(manifest).toMatchObject({
      short_name: 'Отметка',
      start_url: '/',
      display: 'standalone',
      theme_color: '#2f6f8f',
    });
    for (const size of ['192x192', '512x512']) {
      for (const purpose of ['any', 'maskable']) {
        const icon = manifest.icons.find((i) => i.sizes === size && i.purpose === purpose);
        expect(icon, `${size} ${purpose}`).toBeDefined();
        const file = await page.request.get(icon!.src);
        expect(file.headers()['content-type']).toBe('image/png');
        const bytes = await file.body();
        // PNG width and height, from the IHDR chunk.
        expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`).toBe(size);
      }
    }
  });

  it('registers its service worker and reads the last-seen diary week offline', async () => {
    await signInAs(page, 'parent');
    const controlled = () => page.evaluate(() => !!navigator.serviceWorker.controller);
    await expect.poll(controlled, { timeout: 20_000 }).toBe(true);

    // Read the week once more under the worker's control, so that it keeps it.
    await page.getByTestId('child-diary-link').first().click();
    await page.waitForURL(/\/diary\/\d+/);
    await page.getByTestId('diary-day').or(page.getByTestId('diary-week-empty')).first().waitFor();
    await page.reload();
    await page.getByTestId('diary-day').or(page.getByTestId('diary-week-empty')).first().waitFor();
    const range = await page.getByTestId('week-range').textContent();
    const days = await page.getByTestId('diary-day').count();
    await expect.poll(() => page.getByTestId('offline-notice').count()).toBe(0);

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('offline-notice').waitFor();
    expect(await page.getByTestId('offline-notice').textContent()).toMatch(/Нет сети.*на /);
    // The notice shows with the first kept answer (the viewer's); the week's may come after it.
    await expect
      .poll(() => page.getByTestId('week-range').textContent(), { timeout: 10_000 })
      .toBe(range);
    await expect.poll(() => page.getByTestId('diary-day').count(), { timeout: 10_000 }).toBe(days);
    await screenshot(page, 'pwa-offline-diary');

    await context.setOffline(false);
  });
});
