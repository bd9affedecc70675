import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signIn, signInAs } from './browser';

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

/** The id of the class the class teacher leads (7А in the demo school). */
async function ledClassId(): Promise<string> {
  const data = await graphql<{ me: { ledClasses: { id: string; name: string }[] } }>(
    page,
    '{ me { ledClasses { id name } } }',
  );
  expect(data.me.ledClasses[0]?.name).toBe('7А');
  return data.me.ledClasses[0].id;
}

/**
 * A day from today in the school's calendar (the demo school keeps Moscow time, which is a day
 * ahead of UTC from 21:00 UTC): "2026-11-29" for 1.
 */
function isoDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** As the demo school year counts ages: a pupil of about 12 now. */
const birthYear = new Date().getFullYear() - 12;

async function openRoster(classGroupId: string) {
  await page.goto(`/class/${classGroupId}/people`);
  await page.getByTestId('roster-table').waitFor();
}

const pupilRow = (name: string) => page.getByTestId('pupil-row').filter({ hasText: name });

async function pdfOf(download: Download): Promise<string> {
  const path = await download.path();
  return readFileSync(path).subarray(0, 5).toString('latin1');
}

/** A CSV as a school would save it from a spreadsheet: `;`-separated, UTF-8, Russian headers. */
function classList(rows: string[][]): Buffer {
  const header = [
    'Фамилия',
    'Имя',
    'Отчество',
    'Пол',
    'Дата рождения',
    'Родитель 1: фамилия',
    'Родитель 1: имя',
    'Родитель 1: кем приходится',
    'Родитель 1: телефон',
  ];
  return Buffer.from([header, ...rows].map((row) => row.join(';')).join('\r\n') + '\r\n', 'utf8');
}

describe('class roster', () => {
  it('lets the class teacher add a pupil and a parent through the forms', async () => {
    await signInAs(page, 'classteacher');
    const classGroupId = await ledClassId();
    // Reached from the class page.
    await page.goto(`/class/${classGroupId}`);
    await page.getByTestId('roster-link').click();
    await page.getByTestId('roster-table').waitFor();
    expect(await page.getByTestId('page-roster').textContent()).toContain('7А');

    await page.getByTestId('pupil-add').click();
    await page.getByTestId('person-last-name-input').fill('Соколова');
    await page.getByTestId('person-first-name-input').fill('Варвара');
    await page.getByTestId('person-middle-name-input').fill('Игоревна');
    await page.getByTestId('person-sex-select').selectOption('F');
    await page.getByTestId('person-birth-date-input').fill(`${birthYear}-03-14`);
    await screenshot(page, 'people-add-pupil');
    await page.getByTestId('person-save').click();

    // The new pupil's card opens, inviting to add the parents.
    await page.getByTestId('pupil-registered').waitFor();
    await page.getByTestId('guardian-add').click();
    await page.getByTestId('person-kind-select').selectOption('mother');
    await page.getByTestId('person-last-name-input').fill('Соколова');
    await page.getByTestId('person-first-name-input').fill('Ольга');
    await page.getByTestId('person-middle-name-input').fill('Сергеевна');
    // A wrong phone first: the message is next to the field, in Russian.
    await page.getByTestId('person-phone-input').fill('12');
    await page.getByTestId('person-save').click();
    const phoneError = page.getByTestId('person-phone-error');
    await phoneError.waitFor();
    expect(await phoneError.textContent()).toContain('Неверный номер телефона');
    await page.getByTestId('person-phone-input').fill('8 (912) 555-01-02');
    await page.getByTestId('person-save').click();
    const guardian = page.getByTestId('guardian-item').filter({ hasText: 'Соколова Ольга' });
    await guardian.waitFor();
    expect(await guardian.textContent()).toContain('+7 912 555-01-02');
    expect(await guardian.textContent()).toContain('мать');
    await screenshot(page, 'people-card');

    // The mother's consent to processing the pupil's data.
    await page.getByTestId('consent-add').click();
    await page
      .getByTestId('consent-given-by-select')
      .selectOption({ label: 'Соколова Ольга Сергеевна (мать)' });
    await page.getByTestId('consent-save').click();
    const consent = page.getByTestId('consent-item');
    await consent.waitFor();
    expect(await consent.textContent()).toContain('Действует');

    await page.keyboard.press('Escape');
    await page.getByTestId('pupil-dialog').waitFor({ state: 'hidden' });
    const row = pupilRow('Соколова Варвара Игоревна');
    await row.waitFor();
    await row.getByTestId('parent-entry').filter({ hasText: 'Соколова Ольга Сергеевна' }).waitFor();
    expect(await row.getByTestId('access-state').first().textContent()).toContain('Нет доступа');
    expect(await row.getByTestId('flag-consent').count()).toBe(0);

    // A transfer on the day she joined is refused, with the reason next to the date.
    await row.getByTestId('pupil-open').click();
    await page.getByTestId('pupil-move').click();
    await page.getByTestId('move-class-select').selectOption({ label: '8А' });
    await page.getByTestId('move-on-input').fill(isoDate(0));
    await page.getByTestId('move-save').click();
    const moveError = page.getByTestId('move-on-error');
    await moveError.waitFor();
    expect(await moveError.textContent()).toContain('позже дня');
    await page.getByTestId('move-on-input').fill(isoDate(1));
    await page.getByTestId('move-save').click();
    await page.getByTestId('pupil-dialog').waitFor({ state: 'hidden' });
    expect(await page.getByTestId('roster-notice').textContent()).toContain(
      'Соколова Варвара Игоревна переводится в 8А',
    );
  });

  it('deletes a pupil registered by mistake, and says why one with marks cannot be', async () => {
    await signInAs(page, 'classteacher');
    const classGroupId = await ledClassId();
    await graphql(
      page,
      `
        mutation ($c: ID!, $i: PersonInput!) {
          registerPupil(classGroupId: $c, input: $i) {
            id
          }
        }
      `,
      { c: classGroupId, i: { lastName: 'Дублева', firstName: 'Анна', sex: 'F' } },
    );
    await openRoster(classGroupId);

    // A pupil with marks (the demo pupil): refused, in Russian, and the record stays.
    const roster = await graphql<{
      classRoster: { pupils: { fullName: string; access: { login: string | null } | null }[] };
    }>(
      page,
      `
        query ($c: ID!) {
          classRoster(classGroupId: $c) {
            pupils {
              fullName
              access {
                login
              }
            }
          }
        }
      `,
      {
        c: classGroupId,
      },
    );
    const markedName = roster.classRoster.pupils.find((p) => p.access?.login === 'pupil')!.fullName;
    await pupilRow(markedName).getByTestId('pupil-open').click();
    await page.getByTestId('pupil-delete').click();
    await page.getByTestId('delete-confirm').click();
    const refusal = page.getByTestId('pupil-dialog').getByTestId('form-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('есть отметки или пропуски');
    await page.keyboard.press('Escape');
    await page.getByTestId('pupil-dialog').waitFor({ state: 'hidden' });
    expect(await pupilRow(markedName).count()).toBe(1);

    // The mistaken one goes, with a notice.
    await pupilRow('Дублева Анна').getByTestId('pupil-open').click();
    await page.getByTestId('pupil-delete').click();
    expect(await page.getByTestId('pupil-dialog').textContent()).toContain(
      'Удалить запись ученика «Дублева Анна»',
    );
    await screenshot(page, 'people-delete');
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('pupil-dialog').waitFor({ state: 'hidden' });
    expect(await page.getByTestId('roster-notice').textContent()).toContain(
      'Запись ученика Дублева Анна удалена',
    );
    await pupilRow('Дублева Анна').waitFor({ state: 'detached' });
  });

  it('withdraws a pupil’s unused code from the pupil card', async () => {
    await signInAs(page, 'classteacher');
    const classGroupId = await ledClassId();
    const { registerPupil } = await graphql<{ registerPupil: { id: string } }>(
      page,
      'mutation($c:ID!,$i:PersonInput!){registerPupil(classGroupId:$c,input:$i){id}}',
      { c: classGroupId, i: { lastName: 'Кодова', firstName: 'Вера', sex: 'F' } },
    );
    await graphql(page, 'mutation($p:[ID!]!){issueAccessCodes(personIds:$p){codes{login}}}', {
      p: [registerPupil.id],
    });
    await openRoster(classGroupId);
    await pupilRow('Кодова Вера').getByTestId('pupil-open').click();
    const card = page.getByTestId('pupil-card');
    expect(await card.getByTestId('access-state').getAttribute('data-state')).toBe('CODE_ISSUED');
    await card.getByTestId('code-revoke').click();
    expect(await page.getByTestId('pupil-dialog').textContent()).toContain('Кодова Вера');
    await screenshot(page, 'people-code-revoke');
    await page.getByTestId('code-revoke-confirm').click();
    await expect
      .poll(() => card.getByTestId('access-state').getAttribute('data-state'))
      .not.toBe('CODE_ISSUED');
    expect(await card.getByTestId('code-revoke').count()).toBe(0);
    const { accessCodeRegister } = await graphql<{
      accessCodeRegister: { items: { personId: string; revokedReason: string | null }[] };
    }>(
      page,
      'query($c:ID!){accessCodeRegister(classGroupId:$c,first:500){items{personId revokedReason}}}',
      { c: classGroupId },
    );
    expect(accessCodeRegister.items.filter((e) => e.personId === registerPupil.id)).toEqual([
      { personId: registerPupil.id, revokedReason: 'REVOKED' },
    ]);
  });

  it('imports a class list from CSV: a file with a bad row is refused, a good one comes in', async () => {
    await signInAs(page, 'classteacher');
    const classGroupId = await ledClassId();
    await openRoster(classGroupId);
    await page.getByTestId('import-open').click();
    await page.getByTestId('import-dialog').waitFor();
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('template-xlsx').click(),
    ]);
    expect(template.suggestedFilename()).toBe('class-list-template.xlsx');
    // An .xlsx is a ZIP archive.
    expect(
      readFileSync(await template.path())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');

    const input = page.getByTestId('import-file-input');
    await input.setInputFiles({
      name: 'список-7А.csv',
      mimeType: 'text/csv',
      buffer: classList([
        ['Орлов', 'Глеб', 'Андреевич', 'М', `02.09.${birthYear}`, 'Орлова', 'Дарья', 'мать', ''],
        ['Белова', 'Нина', '', 'Ж', `31.02.${birthYear}`, 'Белов', 'Пётр', 'дядя', '+7 900 1'],
      ]),
    });
    await page.getByTestId('import-preview').waitFor();
    const bad = page.getByTestId('import-row').filter({ hasText: 'Белова' });
    expect(await bad.getAttribute('data-problems')).not.toBe('0');
    const problems = await bad.getByTestId('import-problem').allTextContents();
    // Each problem names its field and the value at fault, and says what is wrong in Russian.
    expect(problems).toContainEqual(
      expect.stringMatching(/^Дата рождения\s*«31\.02\.\d{4}»:\s*Неверная дата/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^Родитель 1: Кем приходится\s*«дядя»:\s*Укажите/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^Родитель 1: Телефон.*Неверный номер/));
    expect(
      await page.getByTestId('import-row').filter({ hasText: 'Орлов' }).textContent(),
    ).toContain('Без ошибок');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    await screenshot(page, 'people-import-preview');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'people-import-preview-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // A file whose columns are wrong: each problem names its column.
    await input.setInputFiles({
      name: 'список.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('\ufeffФамилия;Рост;;Имя\r\nОрлов;150;лишнее;Глеб\r\n', 'utf8'),
    });
    await expect
      .poll(() => page.getByTestId('import-file-problem').allTextContents())
      .toEqual([
        expect.stringMatching(/^\s*Неизвестный столбец:\s*«Рост»\s*$/),
        expect.stringMatching(/^\s*Столбец заполнен, но без заголовка:\s*«C»\s*$/),
      ]);
    await screenshot(page, 'people-import-file-problems');

    await input.setInputFiles({
      name: 'список-7А.csv',
      mimeType: 'text/csv',
      buffer: classList([
        ['Орлов', 'Глеб', 'Андреевич', 'М', `02.09.${birthYear}`, 'Орлова', 'Дарья', 'мать', ''],
        [
          'Белова',
          'Нина',
          '',
          'Ж',
          `28.02.${birthYear}`,
          'Белов',
          'Пётр',
          'отец',
          '+7 900 765-43-21',
        ],
      ]),
    });
    await expect
      .poll(() => page.getByTestId('import-summary').textContent())
      .toContain('Всё в порядке');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(false);
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'hidden' });
    const notice = page.getByTestId('roster-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('добавлено учеников — 2');
    expect(await notice.textContent()).toContain('новых родителей — 2');
    await pupilRow('Орлов Глеб Андреевич').waitFor();
    await pupilRow('Белова Нина')
      .getByTestId('parent-entry')
      .filter({ hasText: 'Белов Пётр' })
      .waitFor();
  });

  it('issues a code to a parent, prints the slips and lists it; the parent then signs in', async () => {
    await signInAs(page, 'classteacher');
    const classGroupId = await ledClassId();
    await openRoster(classGroupId);
    await screenshot(page, 'people-roster');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'people-roster-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // A parent without access, and their child.
    const entry = page
      .getByTestId('parent-entry')
      .filter({ has: page.locator('[data-testid="access-state"][data-state="NONE"]') })
      .first();
    const personId = await entry.getAttribute('data-person-id');
    const parentName = (await entry.locator('.parent-name').textContent())!.trim();
    const row = page
      .getByTestId('pupil-row')
      .filter({ has: page.locator(`[data-testid="parent-entry"][data-person-id="${personId}"]`) })
      .first();
    const childName = (await row.getByTestId('pupil-open').textContent())!.trim();

    await entry.getByTestId('select-parent').check();
    expect(await page.getByTestId('selection-count').textContent()).toContain('1');
    await page.getByTestId('issue-codes').click();
    const confirm = page.getByTestId('issue-confirm-dialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(parentName);
    await page.getByTestId('issue-confirm').click();

    const dialog = page.getByTestId('codes-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('codes-once').textContent()).toContain('только один раз');
    const login = (await dialog.getByTestId('issued-login').textContent())!.trim();
    const code = (await dialog.getByTestId('issued-code-value').textContent())!.trim();
    expect(login).toMatch(/^[a-z0-9._-]+$/);
    expect(code.length).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'people-codes-dialog');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'people-codes-dialog-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    const [slips] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('slips-download').click(),
    ]);
    expect(slips.suggestedFilename()).toMatch(/\.pdf$/);
    expect(await pdfOf(slips)).toBe('%PDF-');
    await page.getByTestId('codes-done').click();
    await dialog.waitFor({ state: 'hidden' });
    // The roster now shows the code waiting.
    await expect
      .poll(() =>
        page
          .locator(
            `[data-testid="parent-entry"][data-person-id="${personId}"] [data-testid="access-state"]`,
          )
          .first()
          .getAttribute('data-state'),
      )
      .toBe('CODE_ISSUED');

    await page.getByTestId('codes-link').click();
    await page.getByTestId('page-codes').waitFor();
    const line = page.getByTestId('register-row').filter({ hasText: login });
    await line.waitFor();
    expect(await line.getAttribute('data-status')).toBe('OPEN');
    expect(await line.textContent()).toContain(parentName);
    const [sheet] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('register-print').click(),
    ]);
    expect(await pdfOf(sheet)).toBe('%PDF-');
    await screenshot(page, 'people-register');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'people-register-phone');

    // The parent chooses a password with the code (the activation page is not this test's).
    const password = 'Zelenyi-Slon-2026!';
    const activated = await graphql<{ activateAccount: { login: string } }>(
      page,
      'mutation($l:String!,$c:String!,$p:String!){activateAccount(login:$l,code:$c,password:$p){login}}',
      { l: login, c: code, p: password },
    );
    expect(activated.activateAccount.login).toBe(login);

    const parent = await openPage(browser);
    try {
      await signIn(parent.page, login, password);
      const child = parent.page.getByTestId('child-card').filter({ hasText: childName });
      await child.waitFor();
    } finally {
      await parent.context.close();
    }
  });

  it('tells a teacher who does not lead the class that there is no access', async () => {
    await signInAs(page, 'classteacher');
    const classGroupId = await ledClassId();
    await context.clearCookies();
    await signInAs(page, 'teacher');
    await page.goto(`/class/${classGroupId}/people`);
    const refused = page.getByTestId('roster-forbidden');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Нет доступа');
    expect(await page.getByTestId('roster-table').count()).toBe(0);
    await screenshot(page, 'people-forbidden');

    await page.goto(`/class/${classGroupId}/codes`);
    await page.getByTestId('codes-forbidden').waitFor();
  });

  it('lets the director read the roster without changing it', async () => {
    await signInAs(page, 'director');
    const classes = await graphql<{ classGroups: { id: string; name: string }[] }>(
      page,
      '{ classGroups { id name } }',
    );
    const id = classes.classGroups.find((group) => group.name === '7А')!.id;
    await page.goto(`/class/${id}`);
    await page.getByTestId('roster-link').click();
    await page.getByTestId('roster-table').waitFor();
    expect(await page.getByTestId('pupil-add').count()).toBe(0);
    expect(await page.getByTestId('select-pupil').count()).toBe(0);
    await page.getByTestId('pupil-open').first().click();
    await page.getByTestId('pupil-card').waitFor();
    expect(await page.getByTestId('pupil-edit').count()).toBe(0);
  });
});

describe('staff access codes', () => {
  it('lets the system administrator issue a code to a member of staff and see it in the register', async () => {
    await signInAs(page, 'sysadmin');
    await page.goto('/admin/staff');
    await page.getByTestId('staff-add').click();
    await page.getByTestId('staff-last-name-input').fill('Лебедев');
    await page.getByTestId('staff-first-name-input').fill('Артём');
    await page.getByTestId('staff-login-input').fill('lebedev.a');
    await page.getByTestId('staff-save').click();
    await page.getByTestId('password-done').click();

    const row = page.getByTestId('staff-row').filter({ hasText: 'lebedev.a' });
    await row.getByTestId('staff-issue-code').click();
    await page.getByTestId('issue-reissue-warning').waitFor();
    await page.getByTestId('issue-confirm').click();
    const dialog = page.getByTestId('codes-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('issued-login').textContent()).toBe('lebedev.a');
    await page.getByTestId('codes-done').click();

    await page.getByTestId('staff-codes-link').click();
    await page.getByTestId('page-staff-codes').waitFor();
    const line = page.getByTestId('register-row').filter({ hasText: 'lebedev.a' });
    await line.waitFor();
    expect(await line.getAttribute('data-status')).toBe('OPEN');

    // Withdrawn before it is used.
    await line.getByTestId('register-revoke').click();
    await page.getByTestId('confirm-button').click();
    await expect.poll(() => line.getAttribute('data-status')).toBe('REVOKED');
    await screenshot(page, 'staff-register');
  });
});
