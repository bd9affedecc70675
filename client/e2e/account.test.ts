import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  graphql,
  DEMO_PASSWORD,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  signIn,
  signInAs,
} from './browser';

const STRONG_PASSWORD = 'Zelenyi-Slon-2026!';

let browser: Browser;
/** Every context a test opens; closed after it. */
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  contexts = [];
});

async function open(options: Parameters<typeof openPage>[1] = {}): Promise<Page> {
  const { context, page } = await openPage(browser, options);
  contexts.push(context);
  return page;
}

async function signInByApi(page: Page, login: string, password = DEMO_PASSWORD): Promise<void> {
  await graphql(
    page,
    'mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { userId } }',
    {
      l: login,
      p: password,
    },
  );
}

interface RosterPerson {
  id: string;
  fullName: string;
  access: { state: string } | null;
}

interface Roster {
  classRoster: {
    pupils: (RosterPerson & { guardians: { person: RosterPerson }[] | null })[];
  };
}

/** The class teacher's class (7А) as the API gives it. */
async function roster(page: Page): Promise<Roster['classRoster']> {
  const { me } = await graphql<{ me: { ledClasses: { id: string }[] } }>(
    page,
    '{ me { ledClasses { id } } }',
  );
  const data = await graphql<Roster>(
    page,
    `
      query ($id: ID!) {
        classRoster(classGroupId: $id) {
          pupils {
            id
            fullName
            access {
              state
            }
            guardians {
              person {
                id
                fullName
                access {
                  state
                }
              }
            }
          }
        }
      }
    `,
    { id: me.ledClasses[0].id },
  );
  return data.classRoster;
}

/**
 * A login and a fresh access code for someone of 7А who has never had an account, issued by the
 * class teacher through the API. People are taken from the end of the list, so another test file
 * that takes the first ones in the same run is left alone.
 */
async function issueCode(kind: 'parent' | 'pupil'): Promise<{ login: string; code: string }> {
  const page = await open();
  await signInByApi(page, 'classteacher');
  const { pupils } = await roster(page);
  const people =
    kind === 'pupil'
      ? pupils
      : pupils.flatMap((pupil) => (pupil.guardians ?? []).map((g) => g.person));
  const person = people.reverse().find((candidate) => candidate.access?.state === 'NONE');
  if (!person) throw new Error(`7А has no ${kind} without an account`);
  const { issueAccessCodes } = await graphql<{
    issueAccessCodes: { codes: { login: string; code: string }[] };
  }>(
    page,
    'mutation ($ids: [ID!]!) { issueAccessCodes(personIds: $ids) { codes { login code } } }',
    {
      ids: [person.id],
    },
  );
  return issueAccessCodes.codes[0];
}

async function fillActivation(page: Page, login: string, code: string, password: string) {
  await page.getByTestId('activate-login-input').fill(login);
  await page.getByTestId('activate-code-input').fill(code);
  await page.getByTestId('activate-password-input').fill(password);
  await page.getByTestId('activate-repeat-input').fill(password);
}

describe('first sign-in with an access code', () => {
  it('is reached from the sign-in page, refuses a weak password, then signs in', async () => {
    const { login, code } = await issueCode('parent');

    const page = await open();
    await page.goto('/login');
    await page.getByTestId('activate-link').click();
    await page.getByTestId('page-activate').waitFor();
    expect(new URL(page.url()).pathname).toBe('/activate');
    await screenshot(page, 'activate');

    // The code as a person might type it: lower case, spaces for dashes.
    await fillActivation(page, login, code.toLowerCase().replaceAll('-', ' '), 'qwerty12');
    await expect
      .poll(() => page.getByTestId('strength-meter').getAttribute('data-level'))
      .toBe('weak');
    await page.getByTestId('activate-submit').click();
    const passwordError = page.getByTestId('activate-password-error');
    await passwordError.waitFor();
    expect(await passwordError.textContent()).toContain('слишком простой');
    expect(await page.getByTestId('activate-code-input').inputValue()).toBe(code);
    await screenshot(page, 'activate-weak-password');

    await page.getByTestId('activate-password-input').fill(STRONG_PASSWORD);
    await page.getByTestId('activate-repeat-input').fill(STRONG_PASSWORD);
    await expect
      .poll(() => page.getByTestId('strength-meter').getAttribute('data-level'))
      .not.toBe('weak');
    await page.getByTestId('activate-submit').click();
    await page.getByTestId('home-parent').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('viewer-name').waitFor();

    // The code works once.
    const again = await open();
    await again.goto('/activate');
    await fillActivation(again, login, code, `${STRONG_PASSWORD}x`);
    await again.getByTestId('activate-submit').click();
    const error = again.getByTestId('activate-error');
    await error.waitFor();
    expect((await error.textContent())?.toLowerCase()).toContain('неверный логин или код');
    expect(new URL(again.url()).pathname).toBe('/activate');
    await screenshot(again, 'activate-used-code');

    // …and the password chosen with it signs in.
    const later = await open();
    await signIn(later, login, STRONG_PASSWORD);
    await later.getByTestId('home-parent').waitFor();
  });

  it('checks the code and the repeated password before asking the server', async () => {
    const page = await open({ viewport: PHONE });
    await page.goto('/activate');
    await fillActivation(page, 'somebody', 'ABCD-EFGH', STRONG_PASSWORD);
    await page.getByTestId('activate-repeat-input').fill('something else');
    await page.getByTestId('activate-submit').click();
    await page.getByTestId('activate-code-error').waitFor();
    expect(await page.getByTestId('activate-repeat-error').textContent()).toContain(
      'Пароли не совпадают',
    );
    await screenshot(page, 'activate-phone');
  });
});

describe('my sessions', () => {
  it('ends another session, whose next navigation leads to the sign-in page', async () => {
    const first = await open();
    const second = await open();
    await signInAs(first, 'deputy');
    await signInAs(second, 'deputy');
    const { mySessions } = await graphql<{ mySessions: { id: string; current: boolean }[] }>(
      second,
      '{ mySessions { id current } }',
    );
    const secondId = mySessions.find((session) => session.current)!.id;

    await first.getByTestId('viewer-name').click();
    await first.getByTestId('page-account').waitFor();
    const row = first.locator(`[data-testid="session-row"][data-session-id="${secondId}"]`);
    await row.waitFor();
    expect(await first.getByTestId('session-current').count()).toBe(1);
    await screenshot(first, 'account-deputy');
    await row.getByTestId('session-end').click();
    await row.waitFor({ state: 'detached' });

    // The ended session's page may already have been sent to sign in (its live feed is closed
    // with the session); if not, its next navigation leads there.
    const periods = second.getByRole('navigation').getByRole('link', { name: 'Учебные периоды' });
    const login = second.getByTestId('login-input');
    await periods.or(login).first().waitFor();
    if (await periods.isVisible()) await periods.click();
    await login.waitFor();
    expect(new URL(second.url()).pathname).toBe('/login');

    // Whatever else is left (sign-ins of other test files) ends with one button.
    if ((await first.getByTestId('sessions-end-others').count()) > 0) {
      await first.getByTestId('sessions-end-others').click();
    }
    await first.getByTestId('sessions-only-this').waitFor();
    expect(await first.getByTestId('session-row').count()).toBe(1);
  });

  it('signs out when this session is ended', async () => {
    const page = await open();
    await signInAs(page, 'teacher');
    await page.goto('/account');
    await page.getByTestId('session-sign-out').click();
    await page.getByTestId('login-input').waitFor();
    await page.goto('/account');
    await page.getByTestId('login-input').waitFor();
  });
});

describe('changing the password', () => {
  // The demo `pupil` keeps the password `demo` that other test files sign in with (a new password
  // must be strong, so it could not be set back): a pupil of 7А gets an account for this test.
  it('shows a wrong current password beside its field, then changes it', async () => {
    const { login, code } = await issueCode('pupil');
    const page = await open();
    await page.goto('/activate');
    await fillActivation(page, login, code, STRONG_PASSWORD);
    await page.getByTestId('activate-submit').click();
    await page.getByTestId('home-student').waitFor();

    await page.goto('/account');
    await page.getByTestId('change-current-input').fill('not-my-password');
    await page.getByTestId('change-password-input').fill('Krasnaya-Lisa-1812?');
    await page.getByTestId('change-repeat-input').fill('Krasnaya-Lisa-1812?');
    await page.getByTestId('change-password-submit').click();
    const error = page.getByTestId('change-current-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Текущий пароль введён неверно');
    expect(await page.getByTestId('change-current-input').getAttribute('aria-invalid')).toBe(
      'true',
    );

    await page.getByTestId('change-current-input').fill(STRONG_PASSWORD);
    await page.getByTestId('change-password-submit').click();
    await page.getByTestId('change-password-done').waitFor();
    expect(await page.getByTestId('change-current-error').count()).toBe(0);
    expect(await page.getByTestId('change-current-input').inputValue()).toBe('');

    const later = await open();
    await signIn(later, login, STRONG_PASSWORD);
    await later.getByTestId('login-error').waitFor();
    await signIn(later, login, 'Krasnaya-Lisa-1812?');
    await later.getByTestId('home-student').waitFor();
  });
});

describe('my data', () => {
  it('lets a parent see a child’s record and download everything as JSON and PDF', async () => {
    const page = await open();
    await signInAs(page, 'parent');
    await page.goto('/account');
    const child = page.locator('[data-testid="my-data-card"][data-kind="child"]').first();
    const lastName = (await child.getByTestId('my-data-lastName').textContent())?.trim();
    expect(lastName).toBeTruthy();
    await page
      .locator('[data-testid="my-data-card"][data-kind="self"]')
      .getByTestId('my-data-fields')
      .waitFor();
    await expect.poll(() => page.getByTestId('loading').count()).toBe(0);
    await screenshot(page, 'account');

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      child.getByTestId('export-json').click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    const data = JSON.parse(await readFile((await json.path())!, 'utf8')) as {
      person: { lastName: string };
      marks: unknown[];
    };
    expect(data.person.lastName).toBe(lastName);
    expect(Array.isArray(data.marks)).toBe(true);

    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      child.getByTestId('export-pdf').click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = await readFile((await pdf.path())!);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('fits a phone', async () => {
    const page = await open({ viewport: PHONE });
    await signInAs(page, 'parent');
    await page.goto('/account');
    await page.getByTestId('my-data-fields').first().waitFor();
    await page.getByTestId('session-row').first().waitFor();
    await expect.poll(() => page.getByTestId('loading').count()).toBe(0);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'account-phone');
    await page.getByTestId('menu-toggle').click();
    await page.getByTestId('viewer-name').waitFor();
    await screenshot(page, 'account-phone-menu');
  });
});

describe('personal data access log', () => {
  it('shows the director who read whose data, and narrows it to a person', async () => {
    const page = await open();
    await signInAs(page, 'director');
    // The director reads a pupil's phone (through the API: the page's cookies are the same).
    const { classGroups } = await graphql<{ classGroups: { id: string; name: string }[] }>(
      page,
      '{ classGroups { id name } }',
    );
    const class7 = classGroups.find((group) => group.name.startsWith('7'))!;
    const { classRoster } = await graphql<{
      classRoster: { pupils: { id: string; fullName: string }[] };
    }>(page, 'query ($id: ID!) { classRoster(classGroupId: $id) { pupils { id fullName } } }', {
      id: class7.id,
    });
    const pupil = classRoster.pupils[0];
    await graphql(page, 'query ($id: ID!) { person(id: $id) { phone } }', { id: pupil.id });

    await page.getByRole('navigation').getByRole('link', { name: 'Журнал доступа к ПД' }).click();
    await page.getByTestId('page-pd-log').waitFor();
    const row = page
      .getByTestId('pd-log-row')
      .filter({
        has: page.getByTestId('pd-log-subject').getByText(pupil.fullName, { exact: true }),
      })
      .first();
    await row.waitFor();
    expect(await row.getByTestId('pd-log-fields').textContent()).toContain('телефон');
    await screenshot(page, 'pd-log');

    await row.getByTestId('pd-log-subject').click();
    await page.getByTestId('pd-log-subject-filter').waitFor();
    expect(new URL(page.url()).searchParams.get('subject')).toBe(pupil.id);
    await expect
      .poll(async () => new Set(await page.getByTestId('pd-log-subject').allTextContents()))
      .toEqual(new Set([pupil.fullName]));
    await page.getByTestId('pd-log-clear').click();
    await page.getByTestId('pd-log-filters').waitFor({ state: 'detached' });
  });

  it('fits a phone', async () => {
    const page = await open({ viewport: PHONE });
    await signInAs(page, 'director');
    await page.goto('/admin/personal-data-log');
    await page.getByTestId('pd-log-row').or(page.getByTestId('pd-log-empty')).first().waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'pd-log-phone');
  });

  it('is closed to a teacher', async () => {
    const page = await open();
    await signInAs(page, 'teacher');
    expect(
      await page.getByRole('navigation').getByRole('link', { name: 'Журнал доступа к ПД' }).count(),
    ).toBe(0);
    await page.goto('/admin/personal-data-log');
    const forbidden = page.getByTestId('admin-forbidden');
    await forbidden.waitFor();
    expect((await forbidden.textContent())?.toLowerCase()).toContain('нет доступа');
  });
});
