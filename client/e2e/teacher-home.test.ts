import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, screenshot, signInAs } from './browser';

/**
 * The teacher's working home page: today's lessons in timetable order with the current
 * one first, each with its topic and homework and the journal one click away.
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

interface Home {
  teacherHome: { lessons: { number: number; current: boolean; className: string }[] };
}

describe('teacher home page', () => {
  it('shows today’s lessons in timetable order, the current one first', async () => {
    const opened = await openPage(browser);
    contexts.push(opened.context);
    const page = opened.page;
    await signInAs(page, 'teacher');
    await page.getByTestId('home-teacher').waitFor();
    const { teacherHome } = await graphql<Home>(
      page,
      '{ teacherHome { lessons { number current className } } }',
    );
    if (teacherHome.lessons.length === 0) {
      await page.getByTestId('today-none').waitFor();
      return;
    }
    await page.getByTestId('today-lesson').first().waitFor();
    const shown = (await page.getByTestId('today-lesson-number').allTextContents()).map(Number);
    expect(shown).toEqual(teacherHome.lessons.map((l) => l.number));
    const current = teacherHome.lessons.findIndex((l) => l.current);
    const rest = shown.slice(current === 0 ? 1 : 0);
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    if (current === 0) await page.getByTestId('today-current').waitFor();
    await screenshot(page, 'teacher-home');
    await page.getByTestId('today-journal-link').first().click();
    await page.getByTestId('journal-grid').waitFor();
  });
});
