import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * Journal control (issue 14): a deputy opens a journal from the live dashboard and records a
 * check with a remark; the teacher, on a phone, sees the remark arrive and answers it as fixed;
 * the deputy sees the answer arrive and accepts it; the dashboard shows the journal as checked.
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

/** The dashboard reads every journal's health in one statement: seconds on a loaded machine. */
const SLOW = 90_000;

async function open(login: string, phone = false): Promise<Page> {
  const opened = await openPage(browser, phone ? { viewport: PHONE, touch: true } : {});
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened.page;
}

async function go(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(new URL(path, page.url()).toString());
  await page.getByTestId(heading).waitFor();
}

describe('journal control', () => {
  it(
    'a check with a remark, answered by the teacher, accepted, shows on the dashboard',
    {
      timeout: 6 * SLOW,
    },
    async () => {
      const deputy = await open('deputy');
      const teacher = await open('teacher', true);
      // A journal of the teacher's: the one the deputy checks.
      const own = await graphql<{ me: { courses: { id: string }[] } }>(
        teacher,
        '{ me { courses { id } } }',
      );
      const courseId = own.me.courses[0].id;
      const text = `Заполните темы уроков (${Date.now()})`;

      await go(teacher, '/control/remarks', 'remarks-title');
      await go(deputy, '/control', 'control-title');
      const row = deputy.locator(`[data-testid="control-row"][data-course="${courseId}"]`);
      // The whole school's health over the period: slow on a loaded machine.
      await row.waitFor({ timeout: SLOW });
      await screenshot(deputy, 'control-dashboard');
      const figure = row.locator('button[data-testid^="control-figure-"]').first();
      if (await figure.count()) {
        await figure.click();
        await deputy
          .getByTestId('control-gaps-dialog')
          .getByRole('link')
          .waitFor({ timeout: SLOW });
        await screenshot(deputy, 'control-gaps');
        await deputy.keyboard.press('Escape');
      }

      await row.getByTestId('control-check-course').click();
      await deputy.getByTestId('check-preview-row').waitFor({ timeout: SLOW });
      await deputy.getByTestId('check-findings-input').fill('Темы уроков заполнены не везде.');
      await deputy.getByTestId('check-add-remark').click();
      await deputy.getByTestId('check-remark-text').fill(text);
      await screenshot(deputy, 'control-check-form');
      await deputy.getByTestId('check-save').click();
      await deputy.getByTestId('check-snapshot-row').waitFor({ timeout: SLOW });

      // The teacher's page was open: the remark arrives without a reload.
      const remark = teacher.getByTestId('my-remark').filter({ hasText: text });
      await remark.waitFor({ timeout: 15_000 });
      await screenshot(teacher, 'control-remarks-phone');
      await remark.getByTestId('my-remark-answer').fill('Темы записаны.');
      await remark.getByTestId('my-remark-fixed').click();
      await expect
        .poll(() => remark.getAttribute('data-status'), { timeout: 10_000 })
        .toBe('FIXED');

      // The deputy's check page hears the answer and offers to accept it.
      const item = deputy.getByTestId('check-remark-item').filter({ hasText: text });
      await item.getByTestId('check-remark-answer').waitFor({ timeout: 15_000 });
      await item.getByTestId('remark-accept').click();
      await expect
        .poll(() => item.getByTestId('remark-status').getAttribute('data-status'), {
          timeout: 10_000,
        })
        .toBe('ACCEPTED');
      await screenshot(deputy, 'control-check-page');

      await go(deputy, '/control', 'control-title');
      await deputy.getByTestId('control-row').first().waitFor({ timeout: SLOW });
      const log = deputy
        .locator(`[data-testid="control-row"][data-course="${courseId}"]`)
        .getByTestId('control-log');
      await expect
        .poll(() => log.textContent(), { timeout: 10_000 })
        .not.toContain('Не проверялся');
      expect(await log.getByTestId('control-overdue').count()).toBe(0);
    },
  );
});
