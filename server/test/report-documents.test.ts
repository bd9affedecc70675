import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { extractText, getDocumentProxy } from 'unpdf';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeCourse, type MadePerson } from './factory.js';

/**
 * Report documents (issue 18): exports of any view (XLSX read back by exceljs, CSV parsed, PDF
 * text extracted) and the built-in reports against hand-computed values, with each role's
 * negatives.
 *
 * The fixture (today 2026-11-28; I quarter = periods[0], II quarter = periods[1]):
 * 7А (class teacher `ct`): p1 Аверин … p5 Дёмин; p4 left on 2026-11-20; p5 has no marks.
 *   Algebra (`t`): L1 11-10, L2 11-17. L1: p1 5 (answer w2), p2 3 (answer), p3 «зч», p4 4 (answer);
 *   L2: p1 4 (КР w5), p2 2 (ДЗ w1). Attendance: L1 p5 Н (no valid reason), L2 p2 Б (sick).
 *   Russian (`u`): L3 11-10: p1 5 (answer).
 * 7Б: q1. Algebra (`t`): L4 11-12: q1 4 (answer).
 * Period marks, II quarter: p1 alg 5 rus 5 (excellent), p2 alg 2 rus 3 (failing), p3 alg 5 rus
 *   «зч» (excellent), p4 alg 4 rus 3 (single «3», left), p5 none; q1 alg 3 (single «3»).
 * I quarter: p1 alg 4 rus 5 (good), p2 alg 3 rus 3 (none of the four), p3 alg 5 rus 5 (excellent).
 */
let t: TestApp;
let f: Factory;
const as: Record<string, GqlClient> = {};
const staff: Record<string, MadePerson> = {};
const c: Record<string, MadeCourse> = {};
let classA: string;
let q1: string;
let q2: string;
const SCHOOL = 'Школа № 57 «Отчётная»';

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool({ name: SCHOOL });
  [q1, q2] = [f.school.periods[0].id, f.school.periods[1].id];
  staff.director = await f.newStaff({ roles: [Role.DIRECTOR] });
  staff.deputy = await f.newStaff({ roles: [Role.DEPUTY] });
  staff.sysadmin = await f.newStaff({ roles: [Role.SYSADMIN] });
  staff.t = await f.newTeacher();
  staff.u = await f.newTeacher();
  staff.ct = await f.newTeacher();
  const a = await f.newClass({ grade: 7, classTeacher: staff.ct });
  const b = await f.newClass({ grade: 7 });
  classA = a.id;
  const names = ['Аверин', 'Белов', 'Васин', 'Гусев', 'Дёмин'];
  const [p1, p2, p3, p4, p5] = await Promise.all(
    names.map((lastName, i) =>
      f.newPupil({
        classGroup: a,
        lastName,
        firstName: 'Иван',
        leftOn: i === 3 ? '2026-11-20' : undefined,
        login: i === 0 ? 'doc.pupil' : null,
      }),
    ),
  );
  const qq1 = await f.newPupil({ classGroup: b, lastName: 'Юдин', login: null });
  await f.newParent({ children: [p1], login: 'doc.parent' });
  c.aAlg = await f.newCourse({ classGroup: a, subject: 'Алгебра', teacher: staff.t });
  c.aRus = await f.newCourse({ classGroup: a, subject: 'Русский язык', teacher: staff.u });
  c.bAlg = await f.newCourse({ classGroup: b, subject: 'Алгебра', teacher: staff.t });
  const L1 = await f.newLesson({
    course: c.aAlg,
    date: '2026-11-10',
    topic: 'Дроби',
    homework: 'Упр. 1',
  });
  const L2 = await f.newLesson({
    course: c.aAlg,
    date: '2026-11-17',
    topic: 'Степени',
    homework: 'Упр. 2',
  });
  const L3 = await f.newLesson({ course: c.aRus, date: '2026-11-10' });
  const L4 = await f.newLesson({ course: c.bAlg, date: '2026-11-12' });
  const answer = 'Ответ на уроке';
  for (const [lesson, pupil, value, workType] of [
    [L1, p1, '5', answer],
    [L1, p2, '3', answer],
    [L1, p3, 'зч', answer],
    [L1, p4, '4', answer],
    [L2, p1, '4', 'Контрольная работа'],
    [L2, p2, '2', 'Домашняя работа'],
    [L3, p1, '5', answer],
    [L4, qq1, '4', answer],
  ] as const) {
    await f.newMark({ lesson, pupil, value, workType });
  }
  await f.newAbsence({ lesson: L1, pupil: p5, code: 'Н' });
  await f.newAbsence({ lesson: L2, pupil: p2, code: 'Б' });
  for (const [course, pupil, period, value] of [
    [c.aAlg, p1, q2, '5'],
    [c.aRus, p1, q2, '5'],
    [c.aAlg, p2, q2, '2'],
    [c.aRus, p2, q2, '3'],
    [c.aAlg, p3, q2, '5'],
    [c.aRus, p3, q2, 'зч'],
    [c.aAlg, p4, q2, '4'],
    [c.aRus, p4, q2, '3'],
    [c.bAlg, qq1, q2, '3'],
    [c.aAlg, p1, q1, '4'],
    [c.aRus, p1, q1, '5'],
    [c.aAlg, p2, q1, '3'],
    [c.aRus, p2, q1, '3'],
    [c.aAlg, p3, q1, '5'],
    [c.aRus, p3, q1, '5'],
  ] as const) {
    await f.newPeriodMark({ course, pupil, period, value });
  }
  void p5;
  for (const who of ['director', 'deputy', 'sysadmin', 't', 'u', 'ct']) {
    as[who] = await f.as(staff[who]);
  }
  as.parent = await f.as('doc.parent');
  as.pupil = await f.as('doc.pupil');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const EXPORT = `query ($spec: ReportSpec!, $format: FileFormat!, $lang: Lang!) {
  reportExport(spec: $spec, format: $format, lang: $lang) { filename contentType base64 } }`;
const BY_CLASS = {
  rows: ['CLASS_GROUP'],
  measures: ['MARK_COUNT', 'WEIGHTED_AVERAGE', 'QUALITY_RATE_MARKS'],
  filters: [{ dimension: 'STUDY_PERIOD', equals: '' }],
};
const byClass = () => ({ ...BY_CLASS, filters: [{ dimension: 'STUDY_PERIOD', equals: q2 }] });

async function exported(who: GqlClient, spec: object, format: string, lang = 'RU') {
  const r = await who.request<{
    reportExport: { filename: string; contentType: string; base64: string };
  }>(EXPORT, { spec, format, lang });
  expect(r.errors).toBeUndefined();
  return { ...r.data!.reportExport, bytes: Buffer.from(r.data!.reportExport.base64, 'base64') };
}

async function workbook(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}
const pdfText = async (bytes: Buffer) =>
  (await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true })).text;

describe('reportExport', () => {
  it('writes XLSX with the title lines, a frozen header and real number cells', async () => {
    const file = await exported(as.director, byClass(), 'XLSX');
    expect(file.filename).toMatch(/\.xlsx$/);
    expect(file.contentType).toContain('spreadsheetml');
    const ws = (await workbook(file.bytes)).worksheets[0];
    const texts = [1, 2, 3, 4, 5, 6].map((i) => String(ws.getRow(i).getCell(1).value ?? ''));
    expect(texts[0]).toBe(SCHOOL);
    expect(texts).toContain('Строки: Класс');
    expect(texts.some((x) => x.startsWith('Отбор: Учебный период = II'))).toBe(true);
    expect(texts.some((x) => /^Данные на \d\d\.\d\d\.\d{4} \d\d:\d\d$/.test(x))).toBe(true);
    let header = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === 'Класс') header = n;
    });
    expect(header).toBeGreaterThan(0);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: header });
    expect(ws.getRow(header).values).toEqual([
      undefined,
      'Класс',
      'Количество отметок',
      'Средневзвешенный балл',
      'Качество по отметкам (не по ученикам)',
    ]);
    const row = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    // 7А: 7 marks, (5·2+3·2+4·2+4·5+2·1+5·2)/14 = 4.00, 4 of 6 numeric marks «4»/«5»;
    // 7Б: one «4»; total: 8 marks, 64/16 = 4.00, 5 of 7 = 71.4 %.
    expect(row(header + 1)).toEqual(['7А', 7, 4, 0.667]);
    expect(row(header + 2)).toEqual(['7Б', 1, 4, 1]);
    expect(row(header + 3)).toEqual(['Итого', 8, 4, 0.714]);
    expect(ws.getRow(header + 1).getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getRow(header + 1).getCell(3).numFmt).toBe('0.00');
    expect(ws.getRow(header + 1).getCell(4).numFmt).toBe('0.0%');
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(12);
  });

  it('writes CSV in UTF-8 with a BOM, `;` in Russian and `,` in English, numbers unformatted', async () => {
    const ru = await exported(as.director, byClass(), 'CSV');
    expect([...ru.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = Papa.parse<string[]>(ru.bytes.toString('utf8').slice(1), { delimiter: ';' }).data;
    expect(rows[0]).toEqual([SCHOOL]);
    const header = rows.findIndex((r) => r[0] === 'Класс');
    expect(rows[header + 1]).toEqual(['7А', '7', '4', '66.7']);
    expect(rows[header + 3]).toEqual(['Итого', '8', '4', '71.4']);
    const en = await exported(as.director, byClass(), 'CSV', 'EN');
    const enRows = Papa.parse<string[]>(en.bytes.toString('utf8').slice(1), {
      delimiter: ',',
    }).data;
    const enHeader = enRows.findIndex((r) => r[0] === 'Class');
    expect(enRows[enHeader]).toEqual([
      'Class',
      'Number of marks',
      'Weighted average mark',
      'Quality rate by marks (not by pupils)',
    ]);
    expect(enRows[enHeader + 1]).toEqual(['7А', '7', '4', '66.7']);
  });

  it('writes PDF with the same title, upright when narrow and landscape when wide', async () => {
    const narrow = await exported(as.director, byClass(), 'PDF');
    expect(narrow.contentType).toBe('application/pdf');
    const text = await pdfText(narrow.bytes);
    for (const s of [SCHOOL, 'Строки: Класс', 'Данные на', '7А', '7Б', 'Итого', '66,7 %']) {
      expect(text).toContain(s);
    }
    const page = async (bytes: Buffer) =>
      (await (await getDocumentProxy(new Uint8Array(bytes))).getPage(1)).getViewport({ scale: 1 });
    const upright = await page(narrow.bytes);
    expect(upright.width).toBeLessThan(upright.height);
    const wide = await exported(
      as.director,
      { rows: ['CLASS_GROUP'], columns: 'DATE', measures: ['MARK_COUNT', 'AVERAGE', 'MARKS_5'] },
      'PDF',
      'EN',
    );
    const landscape = await page(wide.bytes);
    expect(landscape.width).toBeGreaterThan(landscape.height);
    expect(await pdfText(wide.bytes)).toContain('Data as of');
  });

  it('refuses JSON naming `format`, and exports only what the viewer may see', async () => {
    const json = await as.director.request(EXPORT, { spec: byClass(), format: 'JSON', lang: 'RU' });
    expect(json.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'format',
      reason: 'UNSUPPORTED_FORMAT',
    });
    // The Russian teacher's rows: 7А's one Russian mark, nothing of algebra or 7Б.
    const ws = (await workbook((await exported(as.u, byClass(), 'XLSX')).bytes)).worksheets[0];
    const values: unknown[][] = [];
    ws.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values).toContainEqual(['7А', 1, 5, 1]);
    expect(values.some((v) => v[0] === '7Б')).toBe(false);
    for (const who of ['sysadmin', 'parent', 'pupil']) {
      expect(
        codeOf(await as[who].request(EXPORT, { spec: byClass(), format: 'XLSX', lang: 'RU' })),
      ).toBe('FORBIDDEN');
    }
  });
});

const VIEW_EXPORT = `query ($id: ID!, $format: FileFormat!, $lang: Lang!) {
  reportViewExport(id: $id, format: $format, lang: $lang) { filename contentType base64 } }`;

describe('reportViewExport', () => {
  it("exports a saved view by id under the reader's own row filter, its name as the title", async () => {
    const made = await as.director.request<{ createReportView: { id: string } }>(
      `mutation($i: ReportViewInput!) { createReportView(input: $i) { id } }`,
      {
        i: {
          name: 'Классы за II четверть',
          description: 'Для совещания',
          spec: byClass(),
          audience: { staffIds: [staff.u.id] },
        },
      },
    );
    expect(made.errors).toBeUndefined();
    const id = made.data!.createReportView.id;
    const sheet = async (who: GqlClient) => {
      const r = await who.request<{ reportViewExport: { filename: string; base64: string } }>(
        VIEW_EXPORT,
        { id, format: 'XLSX', lang: 'RU' },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.reportViewExport.filename).toBe('Классы-за-II-четверть.xlsx');
      const ws = (await workbook(Buffer.from(r.data!.reportViewExport.base64, 'base64')))
        .worksheets[0];
      const values: unknown[][] = [];
      ws.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
      return values;
    };
    const director = await sheet(as.director);
    expect(director.flat()).toEqual(
      expect.arrayContaining(['Классы за II четверть', 'Для совещания']),
    );
    expect(director).toContainEqual(['7А', 7, 4, 0.667]);
    expect(director).toContainEqual(['7Б', 1, 4, 1]);
    // The Russian teacher, in the audience, gets the view under own filter: 7А's one Russian mark.
    const u = await sheet(as.u);
    expect(u).toContainEqual(['7А', 1, 5, 1]);
    expect(u.some((v) => v[0] === '7Б')).toBe(false);

    const ask = (who: GqlClient, format = 'XLSX', viewId = id) =>
      who.request(VIEW_EXPORT, { id: viewId, format, lang: 'RU' });
    expect(codeOf(await ask(as.t))).toBe('NOT_FOUND');
    expect(codeOf(await ask(as.director, 'XLSX', '999999'))).toBe('NOT_FOUND');
    expect((await ask(as.director, 'JSON')).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'format',
      reason: 'UNSUPPORTED_FORMAT',
    });
    for (const who of ['sysadmin', 'parent', 'pupil']) {
      expect(codeOf(await ask(as[who]))).toBe('FORBIDDEN');
    }
  });
});

const BUILTIN = `query ($input: BuiltinReportInput!, $lang: Lang!) { builtinReport(input: $input, lang: $lang) {
  kind title schoolName lines generatedAt
  tables { title columns { label unit } rows { cells { text value } } total { cells { text value } } } } }`;
const BUILTIN_EXPORT = `query ($input: BuiltinReportInput!, $format: FileFormat!, $lang: Lang!) {
  builtinReportExport(input: $input, format: $format, lang: $lang) { filename contentType base64 } }`;
interface Cell {
  text: string | null;
  value: number | null;
}
interface Table {
  title: string | null;
  columns: { label: string; unit: string | null }[];
  rows: { cells: Cell[] }[];
  total: { cells: Cell[] } | null;
}
interface Builtin {
  title: string;
  lines: string[];
  tables: Table[];
}
const flat = (cells: Cell[]) => cells.map((x) => x.text ?? x.value);
async function builtin(who: GqlClient, input: Record<string, unknown>, lang = 'RU') {
  return who.request<{ builtinReport: Builtin }>(BUILTIN, { input, lang });
}
async function builtinOk(who: GqlClient, input: Record<string, unknown>, lang = 'RU') {
  const r = await builtin(who, input, lang);
  expect(r.errors).toBeUndefined();
  return r.data!.builtinReport;
}

describe('builtin reports', () => {
  it("the teacher's course report: per pupil marks, weighted average, distribution, absences and the period mark", async () => {
    const r = await builtinOk(as.t, { kind: 'COURSE_RESULTS', periodId: q2, courseId: c.aAlg.id });
    expect(r.title).toContain('7А, Алгебра');
    const [table] = r.tables;
    expect(table.columns.map((x) => x.label)).toEqual([
      'Ученик',
      'Количество отметок',
      'Средневзвешенный балл',
      'Отметок «5»',
      'Отметок «4»',
      'Отметок «3»',
      'Отметок «2» (и «1»)',
      'Доля пропущенных уроков',
      'Пропуски по уважительной причине',
      'Пропуски без уважительной причины',
      'Отметка за период',
    ]);
    const rows = table.rows.map((x) => flat(x.cells));
    const of = (name: string) => rows.find((x) => String(x[0]).startsWith(name))!.slice(1);
    // p1: (5·2 + 4·5)/7 = 4.29; p2: (3·2 + 2·1)/3 = 2.67, sick on L2 (1 of 2); p3 only «зч»;
    // p4 left after both lessons; p5 no marks, absent on L1 without a reason.
    expect(of('Аверин')).toEqual([2, 4.29, 1, 1, 0, 0, 0, 0, 0, '5']);
    expect(of('Белов')).toEqual([2, 2.67, 0, 0, 1, 1, 50, 1, 0, '2']);
    expect(of('Васин')).toEqual([1, null, 0, 0, 0, 0, 0, 0, 0, '5']);
    expect(of('Гусев')).toEqual([1, 4, 0, 1, 0, 0, 0, 0, 0, '4']);
    expect(of('Дёмин')).toEqual([0, null, 0, 0, 0, 0, 50, 0, 1, null]);
    expect(flat(table.total!.cells)).toEqual(['Итого', 6, 3.83, 1, 2, 1, 1, 20, 1, 1, null]);
  });

  it("the class teacher's quarter report: pupils × subjects, the four counts, success, quality, СОУ, absences", async () => {
    const r = await builtinOk(as.ct, { kind: 'CLASS_RESULTS', periodId: q2, classGroupId: classA });
    const [marks, summary] = r.tables;
    expect(marks.columns.map((x) => x.label)).toEqual([
      'Ученик',
      'Алгебра',
      'Русский язык',
      'Итог',
      'Пропуски по уважительной причине',
      'Пропуски без уважительной причины',
    ]);
    const rows = marks.rows.map((x) => flat(x.cells));
    expect(rows.map((x) => String(x[0]).split(' ')[0])).toEqual([
      'Аверин',
      'Белов',
      'Васин',
      'Гусев',
      'Дёмин',
    ]);
    expect(rows[0].slice(1)).toEqual(['5', '5', 'отличник', 0, 0]);
    expect(rows[1].slice(1)).toEqual(['2', '3', 'неуспевающий', 1, 0]);
    expect(rows[2].slice(1)).toEqual(['5', 'зч', 'отличник', 0, 0]);
    expect(rows[3][0]).toContain('выбыл(а) 20.11.2026');
    expect(rows[3].slice(1)).toEqual(['4', '3', 'с одной «3»', 0, 0]);
    expect(rows[4].slice(1)).toEqual([null, null, null, 0, 1]);
    // 5 listed, 4 assessed (p5 has no marks); 2 excellent, 0 good, 1 single «3», 1 failing;
    // success 3/4, quality 2/4; СОУ (3·1 + 0.64 + 2·0.36 + 0.16)/7 = 64.6 %.
    expect(flat(summary.rows[0].cells)).toEqual([5, 4, 2, 0, 1, 1, 75, 50, 64.6, 1, 1]);
  });

  it('the school by class against the previous period, and by subject and teacher', async () => {
    const r = await builtinOk(as.director, { kind: 'SCHOOL_BY_CLASS', periodId: q2 });
    const labels = r.tables[0].columns.map((x) => x.label);
    expect(labels[0]).toBe('Класс');
    expect(labels[1]).toMatch(/^Аттестовано учеников \(II/);
    expect(labels[2]).toMatch(/^Аттестовано учеников \(I /);
    const rows = Object.fromEntries(
      r.tables[0].rows.map((x) => [x.cells[0].text, flat(x.cells).slice(1)]),
    );
    // Pairs (II quarter, I quarter): assessed, excellent, good, single «3», failing, success,
    // quality, СОУ, missed share. 7А in I: p1 good, p3 excellent, p2 two «3»; СОУ 4.36/6.
    // Missed in 7А's II quarter: 2 of 15 places (L1, L2 and L3 × 5 pupils).
    expect(rows['7А']).toEqual([
      4,
      3,
      2,
      1,
      0,
      1,
      1,
      0,
      1,
      0,
      75,
      100,
      50,
      66.7,
      64.6,
      72.7,
      13.3,
      null,
    ]);
    expect(rows['7Б']).toEqual([
      1,
      null,
      0,
      null,
      0,
      null,
      1,
      null,
      0,
      null,
      100,
      null,
      0,
      null,
      36,
      null,
      0,
      null,
    ]);
    // The school in II: 5 assessed, 2 excellent, 0 good, 2 single «3», 1 failing; СОУ 4.88/8.
    expect(
      flat(r.tables[0].total!.cells)
        .slice(1, 17)
        .filter((_, i) => i % 2 === 0),
    ).toEqual([5, 2, 0, 2, 1, 80, 40, 61]);
    const subjects = await builtinOk(as.deputy, { kind: 'SCHOOL_BY_SUBJECT', periodId: q2 }, 'EN');
    expect(subjects.tables[0].rows.map((x) => x.cells[0].text)).toEqual([
      'Алгебра',
      'Русский язык',
    ]);
    const teachers = await builtinOk(as.director, { kind: 'SCHOOL_BY_TEACHER', periodId: q2 });
    expect(teachers.tables[0].rows).toHaveLength(2);
    const attendance = await builtinOk(as.director, { kind: 'ATTENDANCE_BY_MONTH', periodId: q2 });
    expect(attendance.tables[0].columns.map((x) => x.label)).toEqual(['Класс', '2026-11', 'Итого']);
    expect(flat(attendance.tables[0].rows[0].cells)).toEqual(['7А', 13.3, 13.3]);
  });

  it('the archive copy of the journal: pupils × dates, then the lessons on the facing page', async () => {
    const r = await builtinOk(as.t, { kind: 'JOURNAL_ARCHIVE', periodId: q2, courseId: c.aAlg.id });
    const [grid, lessons] = r.tables;
    expect(grid.columns.map((x) => x.label)).toEqual([
      'Ученик',
      '10.11',
      '17.11',
      'Отметка за период',
    ]);
    expect(flat(grid.rows[4].cells).slice(1)).toEqual(['Н', null, null]);
    expect(flat(grid.rows[1].cells).slice(1)).toEqual(['3', '2 Б', '2']);
    expect(lessons.rows.map((x) => flat(x.cells))).toEqual([
      ['10.11.2026', 'Дроби', 'Упр. 1'],
      ['17.11.2026', 'Степени', 'Упр. 2'],
    ]);
    const pdf = await as.t.request<{ builtinReportExport: { base64: string } }>(BUILTIN_EXPORT, {
      input: { kind: 'JOURNAL_ARCHIVE', periodId: q2, courseId: c.aAlg.id },
      format: 'PDF',
      lang: 'RU',
    });
    const doc = await getDocumentProxy(
      new Uint8Array(Buffer.from(pdf.data!.builtinReportExport.base64, 'base64')),
    );
    expect(doc.numPages).toBe(2);
    const text = (await extractText(doc, { mergePages: true })).text;
    for (const s of ['Журнал: 7А, Алгебра', 'Степени', 'Упр. 2', 'Белов']) {
      expect(text).toContain(s);
    }
  });

  it("exports the class teacher's report as XLSX with a sheet per table", async () => {
    const r = await as.ct.request<{ builtinReportExport: { filename: string; base64: string } }>(
      BUILTIN_EXPORT,
      {
        input: { kind: 'CLASS_RESULTS', periodId: q2, classGroupId: classA },
        format: 'XLSX',
        lang: 'RU',
      },
    );
    expect(r.errors).toBeUndefined();
    const wb = await workbook(Buffer.from(r.data!.builtinReportExport.base64, 'base64'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Отметки за период', 'Итоги']);
    const summary = wb.worksheets[1];
    const last = (summary.getRow(summary.rowCount).values as unknown[]).slice(1);
    expect(last).toEqual([5, 4, 2, 0, 1, 1, 0.75, 0.5, 0.646, 1, 1]);
    const json = await as.ct.request(BUILTIN_EXPORT, {
      input: { kind: 'CLASS_RESULTS', periodId: q2, classGroupId: classA },
      format: 'JSON',
      lang: 'RU',
    });
    expect(json.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'format' });
  });

  it('lets each role see only its reports', async () => {
    const course = { kind: 'COURSE_RESULTS', periodId: q2, courseId: c.aAlg.id };
    const cls = { kind: 'CLASS_RESULTS', periodId: q2, classGroupId: classA };
    const school = { kind: 'SCHOOL_BY_CLASS', periodId: q2 };
    const allowed: Record<string, object[]> = {
      director: [course, cls, school],
      deputy: [course, cls, school],
      t: [course],
      ct: [course, cls],
      u: [],
      sysadmin: [],
      parent: [],
      pupil: [],
    };
    for (const [who, ok] of Object.entries(allowed)) {
      for (const input of [course, cls, school]) {
        const r = await builtin(as[who], input);
        if (ok.includes(input)) expect(r.errors, `${who} ${JSON.stringify(input)}`).toBeUndefined();
        else expect(codeOf(r), `${who} ${JSON.stringify(input)}`).toBe('FORBIDDEN');
      }
    }
  });

  it('refuses ids outside the school and missing arguments, naming the field', async () => {
    const other = factory(t);
    await other.newSchool();
    const foreign = await other.newClass({ grade: 5 });
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'CLASS_RESULTS', periodId: q2, classGroupId: foreign.id }, 'input.classGroupId'],
      [{ kind: 'CLASS_RESULTS', periodId: q2 }, 'input.classGroupId'],
      [{ kind: 'COURSE_RESULTS', periodId: q2 }, 'input.courseId'],
      [{ kind: 'SCHOOL_BY_CLASS', periodId: other.school.periods[1].id }, 'input.periodId'],
      [{ kind: 'SCHOOL_BY_CLASS', periodId: 'x1' }, 'input.periodId'],
    ];
    for (const [input, field] of cases) {
      const r = await builtin(as.director, input);
      const problem = r.errors?.[0].extensions;
      expect(problem?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      // The argument guard names a malformed id by its own name, the report by its path.
      expect([field, field.replace('input.', '')]).toContain(problem?.field);
    }
  });
});
