import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

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
  ({ context, page } = await openPage(browser));
});

afterEach(async () => {
  await context?.close();
});

describe('e-mail settings on the account page', () => {
  it('a parent chooses a digest and weekly reports by mail; a wrong address is named', async () => {
    await signInAs(page, 'parent');
    await page.goto('/account');
    const form = page.getByTestId('email-settings-form');
    await form.waitFor();
    // The test server has no SMTP: the page says the choice waits for it.
    await page.getByTestId('email-settings-off').waitFor();
    await page.getByTestId('mail-email-input').fill('not-an-address');
    await page.getByTestId('mail-digest-DAILY').check();
    await page.getByTestId('email-settings-save').click();
    await expect.poll(() => form.textContent()).toContain('Это не адрес электронной почты');
    expect(await page.getByTestId('mail-email-input').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('mail-email-input').fill('mama@example.ru');
    await page.getByTestId('mail-weekly-report').check();
    await page.getByTestId('email-settings-save').click();
    await page.getByTestId('email-settings-saved').waitFor();
    await page.reload();
    await page.getByTestId('email-settings-form').waitFor();
    expect(await page.getByTestId('mail-email-input').inputValue()).toBe('mama@example.ru');
    expect(await page.getByTestId('mail-digest-DAILY').isChecked()).toBe(true);
    expect(await page.getByTestId('mail-weekly-report').isChecked()).toBe(true);
    // The mails follow the interface's language as of the last save (decision 67).
    const lang = async () =>
      (
        await graphql<{ mailSettings: { lang: string } }>(
          page,
          `
            {
              mailSettings {
                lang
              }
            }
          `,
        )
      ).mailSettings.lang;
    expect(await lang()).toBe('RU');
    await page.getByTestId('language-switch').first().selectOption('en');
    await page.getByTestId('email-settings-save').click();
    await expect.poll(lang).toBe('EN');
    await page.getByTestId('language-switch').first().selectOption('ru');
    await page.getByTestId('email-settings-save').click();
    await expect.poll(lang).toBe('RU');
    await page.getByTestId('account-email').scrollIntoViewIfNeeded();
    await screenshot(page, 'account-email', false);
    await page.setViewportSize(PHONE);
    await page.getByTestId('account-email').scrollIntoViewIfNeeded();
    await screenshot(page, 'account-email-phone', false);
  });

  it('a teacher is not offered the weekly report', async () => {
    await signInAs(page, 'teacher');
    await page.goto('/account');
    await page.getByTestId('email-settings-form').waitFor();
    expect(await page.getByTestId('mail-weekly-report').count()).toBe(0);
  });
});
