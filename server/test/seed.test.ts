import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';
import { createSchool } from '../src/modules/school/school-setup.js';
import { seedDemoSchool } from '../src/seed/demo.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the demo school', () => {
  it('is shaped like a small rural basic school', async () => {
    const classes = await t.sql<{ grade: number; n: string }>(
      `select c.grade, count(e.id) n from class_group c left join enrollment e on e.class_group_id = c.id group by c.grade order by c.grade`,
    );
    expect(classes.map((c) => c.grade)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const c of classes) {
      expect(Number(c.n)).toBeGreaterThanOrEqual(5);
      expect(Number(c.n)).toBeLessThanOrEqual(13); // 5–12 pupils, plus the demo parent's younger child
    }
    const [{ staff }] = await t.sql<{ staff: string }>(
      `select count(distinct person_id) staff from role_grant where role in ('SYSADMIN','DIRECTOR','DEPUTY','TEACHER')`,
    );
    expect(Number(staff)).toBeGreaterThanOrEqual(12);
    expect(Number(staff)).toBeLessThanOrEqual(15);
    const [{ both }] = await t.sql<{ both: string }>(
      `select avg((select count(*) from guardianship g where g.pupil_id = r.person_id))::float both from role_grant r where r.role = 'STUDENT'`,
    );
    expect(Number(both)).toBeGreaterThan(1.6);
  });

  it('follows the curriculum: algebra from grade 7, 5 hours of Russian in grade 1', async () => {
    const rows = await t.sql<{ grade: number; subject: string; hours: number }>(
      `select c.grade, s.name subject, co.hours_per_week hours from course co join class_group c on c.id = co.class_group_id join subject s on s.id = co.subject_id`,
    );
    expect(
      rows
        .filter((r) => r.subject === 'Алгебра')
        .map((r) => r.grade)
        .sort(),
    ).toEqual([7, 8, 9]);
    expect(rows.find((r) => r.grade === 1 && r.subject === 'Русский язык')?.hours).toBe(5);
    expect(rows.some((r) => r.grade === 1 && r.subject === 'Иностранный язык (английский)')).toBe(
      false,
    );
  });

  it('has holidays between the quarters and a February week for first graders only', async () => {
    const rows = await t.sql<{ name: string; starts_on: string; grades: number[] | null }>(
      `select name, starts_on::text, grades from holiday order by starts_on`,
    );
    expect(rows.map((r) => r.name)).toContain('Осенние каникулы');
    expect(rows.find((r) => r.name === 'Зимние каникулы')?.starts_on).toBe('2026-12-30');
    expect(rows.find((r) => r.name === 'Дополнительные каникулы')?.grades).toEqual([1]);
    const quarters = await t.sql<{ starts_on: string; ends_on: string }>(
      `select starts_on::text, ends_on::text from study_period`,
    );
    const breaks = rows.filter((r) => r.name.endsWith('каникулы') && r.grades === null);
    expect(breaks.length).toBe(3);
    for (const b of breaks) {
      expect(quarters.some((q) => q.starts_on <= b.starts_on && b.starts_on <= q.ends_on)).toBe(
        false,
      );
    }
  });

  it('has four quarters in the current year', async () => {
    const rows = await t.sql<{ name: string }>(`select name from study_period order by starts_on`);
    expect(rows.map((r) => r.name)).toEqual([
      'I четверть',
      'II четверть',
      'III четверть',
      'IV четверть',
    ]);
  });

  it("gives the parent two children in different classes, one in classteacher's class taught by teacher; pupil is that one", async () => {
    const parent = await t.as('parent');
    const me = await parent.request<{
      me: { children: { id: string; classGroup: { id: string; name: string } }[] };
    }>('{ me { children { id classGroup { id name } } } }');
    const kids = me.data!.me.children;
    expect(kids).toHaveLength(2);
    expect(new Set(kids.map((k) => k.classGroup.name)).size).toBe(2);
    const ct = await (
      await t.as('classteacher')
    ).request<{ me: { ledClasses: { id: string }[] } }>('{ me { ledClasses { id } } }');
    const led = ct.data!.me.ledClasses.map((c) => c.id);
    const inLed = kids.find((k) => led.includes(k.classGroup.id))!;
    expect(inLed).toBeDefined();
    const teacher = await (
      await t.as('teacher')
    ).request<{ me: { courses: { classGroup: { id: string } }[] } }>(
      '{ me { courses { classGroup { id } } } }',
    );
    expect(teacher.data!.me.courses.map((c) => c.classGroup.id)).toContain(inLed.classGroup.id);
    const pupil = await (
      await t.as('pupil')
    ).request<{ me: { pupil: { id: string } } }>('{ me { pupil { id } } }');
    expect(pupil.data!.me.pupil.id).toBe(inLed.id);
  });

  it('is the same every time for the same school year', async () => {
    const other = await createTestApp({ demo: false });
    try {
      await seedDemoSchool(other.orm, new Date('2026-11-28T09:00:00Z'));
      const q = `select last_name, first_name, middle_name from person order by id`;
      expect(await other.sql(q)).toEqual(await t.sql(q));
    } finally {
      await other.close();
    }
  });

  it('gives every account a login that registration would accept', async () => {
    const { LOGIN_PATTERN } = await import('../src/modules/people/staff.service.js');
    const rows = await t.sql<{ login: string }>(`select login from user_account`);
    expect(rows.length).toBeGreaterThanOrEqual(14);
    expect(rows.filter((r) => !LOGIN_PATTERN.test(r.login))).toEqual([]);
  });

  it('uses realistic Russian names with matching patronymics', async () => {
    const rows = await t.sql<{ last_name: string; middle_name: string }>(
      `select last_name, middle_name from person`,
    );
    for (const r of rows) {
      expect(r.last_name).toMatch(/^[А-ЯЁ][а-яё-]+$/);
      expect(r.middle_name).toMatch(/(вич|вна|ич|чна|ична)$/);
      expect(r.middle_name).not.toMatch(/иевич|иевна/); // Валерий → Валерьевич, not «Валериевич»
    }
  });
});

describe('school:create', () => {
  it('creates a school with its first SYSADMIN, who signs in with the one-time password', async () => {
    const r = await createSchool(t.orm.em.fork(), {
      name: 'МБОУ СОШ №2',
      admin: { login: 'Admin2', lastName: 'Иванов', firstName: 'Иван' },
    });
    expect(r.login).toBe('admin2');
    const c = t.client();
    expect((await c.login('admin2', r.password)).errors).toBeUndefined();
    const me = await c.request<{ me: { roles: string[]; school: { name: string } } }>(
      '{ me { roles school { name } } }',
    );
    expect(me.data?.me).toEqual({ roles: ['SYSADMIN'], school: { name: 'МБОУ СОШ №2' } });
    const classes = await c.request<{ classGroups: unknown[] }>('{ classGroups { id } }');
    expect(classes.data?.classGroups).toEqual([]);
  });

  it('refuses a taken login', async () => {
    await expect(
      createSchool(t.orm.em.fork(), {
        name: 'X',
        admin: { login: 'sysadmin', lastName: 'И', firstName: 'И' },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'LOGIN_TAKEN' } });
  });
});
