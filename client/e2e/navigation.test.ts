import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

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

/** The texts of the main menu's links, in order. */
async function menuLinks(): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Основное меню' });
  return (await nav.getByRole('link').allTextContents()).map((text) => text.trim());
}

describe('navigation bar', () => {
  it('gives each role its own links and none of the others’', async () => {
    // Other areas may add their links; these must be there, and the refused ones must not.
    const expected: Record<string, { has: string[]; not: string[] }> = {
      // The weekly attendance review is a class teacher's: a plain teacher has no class.
      teacher: {
        has: ['Главная', 'Отчёты'],
        not: ['Школа', 'Учебные периоды', 'Дневник', 'Посещаемость за неделю'],
      },
      classteacher: {
        has: ['Главная', 'Отчёты', 'Посещаемость за неделю'],
        not: ['Школа', 'Учебные периоды'],
      },
      deputy: { has: ['Главная', 'Учебные периоды', 'Отчёты'], not: ['Школа', 'Дневник'] },
      parent: { has: ['Главная', 'Дневник'], not: ['Отчёты', 'Школа', 'Учебные периоды'] },
      sysadmin: { has: ['Главная', 'Школа', 'Классы', 'Сотрудники'], not: ['Дневник'] },
    };
    for (const [login, { has, not }] of Object.entries(expected)) {
      await context.clearCookies();
      await signInAs(page, login);
      const links = await menuLinks();
      expect(links, login).toEqual(expect.arrayContaining(has));
      for (const refused of not) expect(links, login).not.toContain(refused);
      await page.keyboard.press('Tab');
      expect(
        await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
        login,
      ).toBe('skip-link');
      await page.getByTestId('sign-out').click();
      await page.waitForURL('**/login');
    }
  });

  it('takes a teacher from page load to the journal grid’s first cell in one Tab press and Enter', async () => {
    await signInAs(page, 'teacher');
    await page.getByTestId('journal-link').first().click();
    await page.getByTestId('journal-grid').waitFor();
    await page.reload();
    await page.getByTestId('journal-grid').waitFor();

    // Tab: the skip link; Enter: past the header and the grid's toolbar to its current cell.
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element?.getAttribute('data-testid') ?? element?.tagName.toLowerCase() ?? '';
      });
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('journal-cell');
    const first = page.getByTestId('journal-cell').and(page.locator('[tabindex="0"]'));
    expect(await first.evaluate((cell) => cell === document.activeElement)).toBe(true);
    // One Tab press in all (≤ 5 asked); 23 before the skip link.
  });

  it('keeps each role’s bar and home usable on a desktop and a phone', async () => {
    for (const login of ['teacher', 'classteacher', 'deputy', 'parent']) {
      await context.clearCookies();
      await page.setViewportSize(DESKTOP);
      await signInAs(page, login);
      await expect.poll(() => page.locator('main').textContent()).not.toContain('Загрузка');
      await screenshot(page, `shell-${login}-desktop`, false);
      await page.setViewportSize(PHONE);
      await screenshot(page, `shell-${login}-phone`, false);
      // On a phone the links fold into the menu, which opens on a tap.
      await page.getByTestId('menu-toggle').click();
      const nav = page.getByRole('navigation', { name: 'Основное меню' });
      expect(await nav.getByRole('link', { name: 'Главная' }).isVisible(), login).toBe(true);
      await screenshot(page, `shell-${login}-phone-menu`, false);
      await page.getByTestId('menu-toggle').click();
    }
    await page.setViewportSize(DESKTOP);
  });
});
