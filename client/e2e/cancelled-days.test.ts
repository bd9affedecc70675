import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * A frost morning (issue 15): the director declares a cancelled-class day for grades 1–4 from the
 * temperature; the parent of a 3rd-grader, with the diary open on a phone, sees the banner without
 * reloading; the 7th-grader's diary shows none.
 */

let browser: Browser;
const contexts: BrowserContext[] = [];
let director: Page | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  // Other suites use today's lessons: the day goes back to ordinary.
  if (director) {
    const { cancelledDays } = await graphql<{ cancelledDays: { id: string }[] }>(
      director,
      '{cancelledDays{id}}',
    );
    for (const day of cancelledDays) {
      await graphql(director, 'mutation($id:ID!){withdrawCancelledDay(id:$id)}', { id: day.id });
    }
  }
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await browser?.close();
});

async function open(login: string, viewport = PHONE): Promise<Page> {
  const opened = await openPage(browser, { viewport });
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened.page;
}

async function openDiary(page: Page): Promise<void> {
  await page.goto('/diary');
  await expect
    .poll(() => page.getByTestId('cancelled-day-feed').getAttribute('data-status'), {
      timeout: 20_000,
    })
    .toBe('live');
}

describe('cancelled-class day', () => {
  it('reaches the 3rd-grader’s parent live, and not the 7th grade', async () => {
    const parent = await open('parent');
    const pupil7 = await open('pupil');
    await Promise.all([openDiary(parent), openDiary(pupil7)]);
    await expect.poll(() => parent.getByTestId('cancelled-day-banner').count()).toBe(0);

    director = await open('director');
    await director.goto('/cancelled-days');
    await director.getByTestId('declare-temperature-input').fill('-29');
    await director.getByTestId('declare-suggest').click();
    await expect
      .poll(() => director!.getByTestId('declare-suggested').textContent(), { timeout: 10_000 })
      .toContain('1, 2, 3, 4');
    expect(await director.getByTestId('declare-grade-3').isChecked()).toBe(true);
    expect(await director.getByTestId('declare-grade-7').isChecked()).toBe(false);
    await expect
      .poll(() => director!.getByTestId('declare-preview').textContent(), { timeout: 10_000 })
      .toContain('3А');
    await director.getByTestId('declare-submit').click();
    await director.getByTestId('declare-done').waitFor();
    await screenshot(director, 'cancelled-day-declare-phone');

    const banner = parent.getByTestId('cancelled-day-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('3А');
    expect(await banner.textContent()).not.toContain('7А');
    await screenshot(parent, 'cancelled-day-banner-phone');

    // The 7th grade's diary heard nothing, nor does its banner query answer a day.
    expect(await pupil7.getByTestId('cancelled-day-banner').count()).toBe(0);
    const own = await graphql<{ myCancelledDays: unknown[] }>(pupil7, '{myCancelledDays{id}}');
    expect(own.myCancelledDays).toEqual([]);
  });
});
