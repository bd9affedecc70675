import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * The class teacher's weekly attendance review (issue 14 part B): last week's absences of the
 * class, one code changed to «Б» with the note's date, the week confirmed as reviewed; then the
 * director's year account shows the class teacher with the figure that opens its weeks.
 */

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function open(login: string, viewport?: { width: number; height: number }): Promise<Page> {
  const opened = await openPage(browser, { viewport });
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened.page;
}

async function go(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(new URL(path, page.url()).toString());
  await page.getByTestId(heading).waitFor();
}

describe('weekly attendance review', () => {
  it('lets the class teacher correct a code and confirm last week', async () => {
    const page = await open('classteacher');
    await go(page, '/duties', 'review-title');
    await page.getByTestId('review-heading').waitFor();
    const absences = page.getByTestId('review-absence');
    if ((await absences.count()) > 0) {
      const row = absences.first();
      await row.getByTestId('review-change').click();
      await page.getByTestId('review-code-select-select').selectOption({ label: 'Б — Болел' });
      await page.getByTestId('review-note-date-input').fill(await lastMonday(page));
      await page.getByTestId('review-save').click();
      await expect.poll(() => row.getByTestId('review-reason').textContent()).toMatch(/справка от/);
      expect(await row.getByTestId('review-code').textContent()).toBe('Б');
    }
    await screenshot(page, 'duties-review');
    await page.getByTestId('review-confirm').click();
    await page.getByTestId('review-done').waitFor();
    expect(await page.getByTestId('review-done').textContent()).toMatch(/Проверено/);
    await screenshot(page, 'duties-review-done');
  });

  it('shows the director every class teacher’s year with its evidence', async () => {
    const page = await open('director');
    await go(page, '/duties/account', 'duties-account-title');
    await page.getByTestId('duties-table').waitFor();
    expect(await page.getByTestId('duties-row').count()).toBeGreaterThan(1);
    await page.getByTestId('duties-figure-REVIEWS').first().click();
    await page.getByTestId('duties-evidence').waitFor();
    await screenshot(page, 'duties-account');
    // The menu marks the year account only, not also the weekly review it is under.
    expect(await page.locator('nav a[aria-current="page"]').allTextContents()).toEqual([
      'Учёт работы кл. руководителей',
    ]);
  });

  it('fits the year account on a phone: the table scrolls in its own frame', async () => {
    const page = await open('director', PHONE);
    await go(page, '/duties/account', 'duties-account-title');
    await page.getByTestId('duties-table').waitFor();
    const fits = await page
      .getByTestId('duties-frame')
      .evaluate(
        (frame) =>
          frame.scrollWidth > frame.clientWidth &&
          document.documentElement.scrollWidth <= window.innerWidth,
      );
    expect(fits).toBe(true);
    await page.getByTestId('duties-figure-HEALTH').first().click();
    await page.getByTestId('duties-evidence').waitFor();
    await screenshot(page, 'duties-account-phone');
  });
});

/** The Monday of last week by the page's own clock (the demo school's time zone). */
async function lastMonday(page: Page): Promise<string> {
  return page.evaluate(() => {
    const d = new Date(Date.now() - 7 * 86_400_000);
    d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
    const two = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  });
}
