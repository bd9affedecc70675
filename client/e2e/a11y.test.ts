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

/** The relative luminance (WCAG) of a colour as the page computes it: `rgb(…)` or `rgba(…)`. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The computed background and text colour of what `selector` finds first, as luminances. */
async function shadesOf(selector: string): Promise<{ background: number; text: number }> {
  const style = await page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const { backgroundColor, color } = getComputedStyle(el);
      return { backgroundColor, color };
    });
  return { background: luminance(style.backgroundColor), text: luminance(style.color) };
}

/**
 * Visible boxes that stay light in the dark theme (a white card, a pale banner, a light input):
 * axe finds light text on them, not a light box whose text was made dark or has none. The
 * theme's filled accents (a primary button, a counter, the saved notice) are light on purpose.
 */
async function lightBoxes(where: string): Promise<string[]> {
  const { accents, boxes } = await page.evaluate(() => {
    const probe = document.body.appendChild(document.createElement('div'));
    const accents = ['primary', 'primary-hover', 'danger', 'success', 'warning', 'flash'];
    const colours = [...accents, 'text', 'text-muted'].map((name) => {
      probe.style.backgroundColor = `var(--${name})`;
      return getComputedStyle(probe).backgroundColor;
    });
    probe.remove();
    const boxes: { background: string; name: string }[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width * box.height < 24 * 24 || el.closest('[aria-hidden="true"]')) continue;
      const background = getComputedStyle(el).backgroundColor;
      // Opaque enough to be a box: `rgb(…)`, or `rgba(…)` at half or more.
      if (!/^rgba?\(/.test(background) || Number(background.split(',')[3] ?? 1) < 0.5) continue;
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      boxes.push({
        background,
        name: `${el.tagName.toLowerCase()}${classes ? `.${classes.split(/\s+/).join('.')}` : ''}`,
      });
    }
    return { accents: colours, boxes };
  });
  return boxes
    .filter((b) => luminance(b.background) > 0.4 && !accents.includes(b.background))
    .slice(0, 3)
    .map((b) => `${where}: a light box (${b.background}) at ${b.name}`);
}

/** Each role's screens in the light theme and, with the system set dark, in the dark one. */
for (const scheme of ['light', 'dark'] as const) {
  describe(`accessibility (axe-core), ${scheme} theme`, () => {
    beforeEach(async () => {
      await page.emulateMedia({ colorScheme: scheme });
    });

    for (const [login, paths] of Object.entries(SCREENS)) {
      it(`finds no serious or critical violation on ${login}'s screens`, async () => {
        await signInAs(page, login);
        const ids = await idsOf();
        const found: string[] = [];
        for (const template of paths) {
          const path = template.replace(/\{(\w+)\}/g, (_, k: string) => ids[k] ?? 'missing');
          await page.goto(path);
          await settled();
          const where = `${scheme} ${login} ${path}`;
          found.push(...(await findings(where)));
          if (scheme === 'dark') {
            found.push(...(await lightBoxes(where)));
            const slug = template.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '') || 'home';
            await screenshot(page, `a11y-dark-${login}-${slug}`);
          }
        }
        expect(found).toEqual([]);
        // A dozen screens, each loaded and analysed (and, dark, kept as a screenshot): longer than
        // one screen's 60 s; a director's took 190 s of the former 240 s on a busy machine.
      }, 360_000);
    }

    it('finds none on the sign-in page and the unsubscribe page', async () => {
      await page.goto('/login');
      await page.getByTestId('login-input').waitFor();
      const found = await findings(`${scheme} /login`);
      await page.goto('/mail/unsubscribe?t=invalid');
      found.push(...(await findings(`${scheme} /mail/unsubscribe`)));
      expect(found).toEqual([]);
    });
  });
}

describe('dark theme', () => {
  it('follows the system: dark surfaces and light text when it is dark, the reverse when light', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await signInAs(page, 'parent');
    const { child } = await idsOf();
    await page.goto(`/diary/${child}`);
    await settled();
    const light = { body: await shadesOf('body'), card: await shadesOf('main .card') };
    expect(light.body.background).toBeGreaterThan(0.8);
    expect(light.body.text).toBeLessThan(0.1);

    // The system turns dark while the page is open: the page follows without a reload.
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = { body: await shadesOf('body'), card: await shadesOf('main .card') };
    expect(dark.body.background).toBeLessThan(0.05);
    expect(dark.body.text).toBeGreaterThan(0.7);
    expect(dark.card.background).toBeLessThan(0.05);
    expect(light.card.background).toBeGreaterThan(0.8);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(
      'light dark',
    );
    await screenshot(page, 'a11y-dark-diary');

    await page.emulateMedia({ colorScheme: 'light' });
    expect((await shadesOf('body')).background).toBeGreaterThan(0.8);
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
