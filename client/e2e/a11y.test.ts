import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, screenshot, signInAs } from './browser';

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

/**
 * Each role's main screens. `{course}` is the first course the viewer teaches, `{class}` the
 * class they lead, `{child}` the first child (or the pupil themselves).
 */
const SCREENS: Record<string, string[]> = {
  sysadmin: [
    '/',
    '/admin/school',
    '/admin/years',
    '/admin/classes',
    '/admin/subjects',
    '/admin/courses',
    '/admin/timetable',
    '/admin/staff',
    '/admin/staff/codes',
    '/admin/journal-settings',
    '/messages',
    '/account',
  ],
  director: [
    '/',
    '/reports',
    '/reports/builtin',
    '/periods',
    '/announcements',
    '/weekly-reports',
    '/cancelled-days',
    '/messages',
    '/messages/reports',
    '/admin/personal-data-log',
    '/account',
  ],
  teacher: ['/', '/journal/{course}', '/messages', '/messages/new', '/announcements', '/account'],
  classteacher: [
    '/',
    '/class/{class}',
    '/class/{class}/people',
    '/class/{class}/codes',
    '/weekly-reports',
    '/cancelled-days/class',
    '/messages',
  ],
  parent: ['/', '/diary/{child}', '/messages', '/announcements', '/weekly-reports', '/account'],
  pupil: ['/', '/diary/{child}', '/messages', '/announcements'],
};

interface Ids {
  me: {
    courses: { id: string }[];
    ledClasses: { id: string }[];
    children: { id: string }[];
    pupil: { id: string } | null;
  };
}

async function idsOf(): Promise<Record<string, string | undefined>> {
  const { me } = await graphql<Ids>(
    page,
    `
      {
        me {
          courses {
            id
          }
          ledClasses {
            id
          }
          children {
            id
          }
          pupil {
            id
          }
        }
      }
    `,
  );
  return {
    course: me.courses[0]?.id,
    class: me.ledClasses[0]?.id,
    child: me.children[0]?.id ?? me.pupil?.id,
  };
}

/** Waits until the page has its heading and nothing is loading any more. */
async function settled(): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByTestId('loading').first().waitFor({ state: 'detached' });
}

/** Serious and critical axe findings on the page as it is now (WCAG 2.1 A and AA). */
async function findings(where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes
        .slice(0, 3)
        .map(
          (n) =>
            `${where}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary ?? ''}`,
        ),
    );
}

describe('accessibility (axe-core)', () => {
  for (const [login, paths] of Object.entries(SCREENS)) {
    it(`finds no serious or critical violation on ${login}'s screens`, async () => {
      await signInAs(page, login);
      const ids = await idsOf();
      const found: string[] = [];
      for (const template of paths) {
        const path = template.replace(/\{(\w+)\}/g, (_, k: string) => ids[k] ?? 'missing');
        await page.goto(path);
        await settled();
        found.push(...(await findings(`${login} ${path}`)));
      }
      expect(found).toEqual([]);
      // A dozen screens, each loaded and analysed: longer than one screen's 60 s.
    }, 240_000);
  }

  it('finds none on the sign-in page and the unsubscribe page', async () => {
    await page.goto('/login');
    await page.getByTestId('login-input').waitFor();
    const found = await findings('/login');
    await page.goto('/mail/unsubscribe?t=invalid');
    found.push(...(await findings('/mail/unsubscribe')));
    expect(found).toEqual([]);
  });
});

describe('keyboard only', () => {
  /** The test id of the focused element (or of the nearest element with one around it). */
  const focused = () =>
    page.evaluate(() =>
      document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid'),
    );

  /** Presses Tab until the element with this test id has the focus (at most `max` times). */
  async function tabTo(testid: string, max = 40): Promise<void> {
    for (let i = 0; i < max; i++) {
      if ((await focused()) === testid) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${testid}`);
  }

  it('a teacher enters a mark in the journal with the keyboard alone', async () => {
    await signInAs(page, 'teacher');
    const { course } = await idsOf();
    await page.goto(`/journal/${course}`);
    await page.getByTestId('journal-grid').waitFor();
    // The skip link, then Enter: the grid's current cell has the focus.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('journal-cell');
    // With the arrows to the first empty cell open for writing, then type the mark.
    const route = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('[data-testid=journal-row]')].map((r) => [
        ...r.querySelectorAll<HTMLElement>('[data-testid=journal-cell]'),
      ]);
      const at = (el: Element | null) => {
        for (let r = 0; r < rows.length; r++) {
          const c = rows[r].indexOf(el as HTMLElement);
          if (c >= 0) return [r, c];
        }
        return [0, 0];
      };
      const [r0, c0] = at(document.activeElement);
      for (let r = 0; r < rows.length; r++) {
        for (let c = 0; c < rows[r].length; c++) {
          const x = rows[r][c];
          if (x.dataset.editable === 'true' && !x.textContent?.trim()) {
            return {
              down: r - r0,
              right: c - c0,
              pupil: x.dataset.pupil,
              lesson: x.dataset.lesson,
            };
          }
        }
      }
      return null;
    });
    expect(route).not.toBeNull();
    const { down, right, pupil, lesson } = route!;
    for (let i = 0; i < Math.abs(down); i++) {
      await page.keyboard.press(down > 0 ? 'ArrowDown' : 'ArrowUp');
    }
    for (let i = 0; i < Math.abs(right); i++) {
      await page.keyboard.press(right > 0 ? 'ArrowRight' : 'ArrowLeft');
    }
    const target = page.locator(
      `[data-testid=journal-cell][data-pupil="${pupil}"][data-lesson="${lesson}"]`,
    );
    expect(await target.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('4');
    await expect.poll(() => target.getAttribute('data-state')).toBe('saved');
    expect(await target.textContent()).toBe('4');
    await screenshot(page, 'a11y-journal-keyboard', false);
  });

  it('a parent writes to the class teacher with the keyboard alone', async () => {
    await signInAs(page, 'parent');
    await page.goto('/messages/new');
    await page.getByTestId('new-conversation-form').waitFor();
    // Whom the list offers first; the search narrows to that name, typed.
    const first = page.getByTestId('recipient').first();
    const lastName = (await first.locator('.name').textContent())!.split(' ')[0];
    await tabTo('recipient-search-input');
    await page.keyboard.type(lastName);
    await expect
      .poll(async () => (await page.getByTestId('recipient').allTextContents()).join('|'))
      .toMatch(new RegExp(`^[^|]*${lastName}`));
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('recipient');
    await page.keyboard.press('Space');
    await page.getByTestId('recipients-chosen').waitFor();
    await tabTo('new-message-text-input');
    const text = `Вопрос с клавиатуры ${Date.now()}`;
    await page.keyboard.type(text);
    await tabTo('new-conversation-send');
    await page.keyboard.press('Enter');
    await page.getByTestId('message-text').filter({ hasText: text }).waitFor();
    await screenshot(page, 'a11y-message-keyboard', false);
  });
});
