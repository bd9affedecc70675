import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const SHOTS_DIR = '/tmp/otmetka-shots';
export const DEMO_PASSWORD = 'demo';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The system's colour scheme the pages see: light, or dark with `E2E_COLOR_SCHEME=dark` (any
 * browser test then runs in the dark theme; its screenshots get a `-dark` suffix).
 */
const COLOR_SCHEME = process.env.E2E_COLOR_SCHEME === 'dark' ? 'dark' : 'light';

/**
 * A fresh context (own cookies and storage) on the test server, in Russian and in the school's
 * time zone, as its users are: "today" in the page then agrees with the server's whatever hour CI
 * runs at (from 21:00 UTC Moscow is a day ahead).
 */
export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; touch?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: inject('baseUrl'),
    viewport: options.viewport ?? DESKTOP,
    // A phone's touch screen: taps, and `(hover: none) and (pointer: coarse)` match.
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    colorScheme: COLOR_SCHEME,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

export async function signIn(page: Page, login: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-input').fill(login);
  await page.getByTestId('password-input').fill(password);
  await page.getByTestId('login-submit').click();
}

export async function signInAs(page: Page, login: string): Promise<void> {
  await signIn(page, login);
  await page.getByTestId('viewer-name').waitFor({ state: 'attached' });
  expect(new URL(page.url()).pathname).toBe('/');
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const suffix = COLOR_SCHEME === 'dark' ? '-dark' : '';
  await page.screenshot({ path: join(SHOTS_DIR, `${name}${suffix}.png`), fullPage });
}

/** A GraphQL request with the page's cookies, as the app itself would send it. */
export async function graphql<T>(
  page: Page,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await page.request.post('/graphql', {
    data: { query, variables },
    headers: { origin: inject('baseUrl') },
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}
