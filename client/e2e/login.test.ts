import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signIn, signInAs } from './browser';

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

describe('signing in', () => {
  it.each([
    ['sysadmin', 'home-sysadmin'],
    ['director', 'home-director'],
    ['deputy', 'home-deputy'],
    ['teacher', 'home-teacher'],
    ['classteacher', 'home-teacher'],
    ['parent', 'home-parent'],
    ['pupil', 'home-student'],
  ])('takes %s to their home', async (login, testid) => {
    await signInAs(page, login);
    await page.getByTestId(testid).waitFor();
    // Wait for the home's own data before the picture.
    await expect.poll(() => page.getByTestId('loading').count()).toBe(0);
    await screenshot(page, `home-${login}`);
  });

  it("shows a class teacher's class and a parent's children", async () => {
    await signInAs(page, 'classteacher');
    await page.getByTestId('home-class-teacher').waitFor();
    await context.clearCookies();
    await signInAs(page, 'parent');
    await page.getByTestId('child-card').first().waitFor();
    expect(await page.getByTestId('child-card').count()).toBe(2);
  });

  it('refuses a wrong password with a clear message', async () => {
    await signIn(page, 'teacher', 'not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Неверный логин или пароль');
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'login-wrong-password');
  });

  it('says so when sign-in attempts are rate limited', async () => {
    let text = '';
    for (let attempt = 0; attempt < 10 && !text.includes('Слишком много попыток'); attempt++) {
      await signIn(page, 'nobody-here', `wrong-${attempt}`);
      await page.getByTestId('login-error').waitFor();
      await page.getByTestId('login-submit').and(page.locator(':enabled')).waitFor();
      text = (await page.getByTestId('login-error').textContent()) ?? '';
    }
    expect(text).toContain('Слишком много попыток');
  });

  it('sends a visitor without a session to the sign-in page', async () => {
    await page.goto('/admin/classes');
    await page.getByTestId('login-input').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByTestId('demo-logins').waitFor();
    await screenshot(page, 'login');
  });

  it('signs out', async () => {
    await signInAs(page, 'director');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-input').waitFor();
    await page.goto('/');
    await page.getByTestId('login-input').waitFor();
  });
});

describe('language', () => {
  it('switches labels to English and remembers the choice', async () => {
    await page.goto('/login');
    await page.getByTestId('language-switch').selectOption('en');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await signInAs(page, 'sysadmin');
    await page.getByRole('link', { name: 'Subjects' }).first().waitFor();
    expect(await page.getByTestId('home-sysadmin').textContent()).toBe('Administration');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByTestId('admin-card-staff').waitFor();
    await screenshot(page, 'home-sysadmin-en');

    await page.getByTestId('language-switch').selectOption('ru');
    expect(await page.getByTestId('home-sysadmin').textContent()).toBe('Администрирование');
  });
});

describe('phone-sized screen', () => {
  it('folds the navigation into a menu', async () => {
    await context.close();
    ({ context, page } = await openPage(browser, { viewport: PHONE }));
    await signInAs(page, 'sysadmin');
    const staffLink = page.getByRole('navigation').getByRole('link', { name: 'Сотрудники' });
    // The layout's stylesheet may arrive a moment after the markup: wait for the folded state.
    await expect.poll(() => staffLink.isVisible()).toBe(false);
    await page.getByTestId('menu-toggle').click();
    await staffLink.waitFor();
    await screenshot(page, 'phone-menu');
    await staffLink.click();
    await page.getByTestId('page-staff').waitFor();
    expect(await staffLink.isVisible()).toBe(false);
    await page.getByTestId('staff-table').waitFor();
    // Tables become cards: no header row, each cell labelled with its column.
    expect(await page.getByTestId('staff-table').locator('thead').isVisible()).toBe(false);
    const login = page.getByTestId('staff-table').locator('tbody tr').first().locator('td').nth(1);
    expect(await login.getAttribute('data-label')).toBe('Логин');
    expect((await login.boundingBox())!.x).toBeLessThan(40);
    await screenshot(page, 'phone-staff');
  });
});
