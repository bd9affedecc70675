import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import {
  classListTemplate,
  parseClassList,
  type ImportRow,
  type ParsedClassList,
} from '../src/documents/class-list.js';
import {
  renderAccessSlips,
  renderCodeRegister,
  renderPersonalDataExport,
  type CodeRegisterRow,
  type SlipPerson,
  type SlipsData,
} from '../src/documents/pdf.js';

/** The text of each page, whitespace collapsed (lines wrap wherever the layout puts them). */
async function pdfPages(buf: Buffer): Promise<string[]> {
  expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pdf = await getDocumentProxy(new Uint8Array(buf));
  const { text } = await extractText(pdf, { mergePages: false });
  return text.map((t) => t.replace(/\s+/g, ' '));
}
const pdfText = async (buf: Buffer) => (await pdfPages(buf)).join(' ');

describe('access slips', () => {
  const people: SlipPerson[] = [
    {
      fullName: 'Иванова Анна Сергеевна',
      roleLabel: 'Ученик',
      className: '5А',
      login: 'ivanova.a',
      code: 'K7QX-94MZ',
    },
    {
      fullName: 'Петров Пётр Ильич',
      roleLabel: 'Ученик',
      className: '5А',
      login: 'petrov.p',
      code: 'M3TR-8WQA',
    },
    {
      fullName: 'Сидорова Ёлка Юрьевна',
      roleLabel: 'Родитель',
      login: 'sidorova.e',
      code: 'ZZ2P-QR7H',
    },
    {
      fullName: 'Щукин-Эйхман Жорж',
      roleLabel: 'Учитель',
      login: 'shchukin',
      code: 'A1B2-C3D4',
    },
    {
      fullName: 'Кузнецова Мария Андреевна',
      roleLabel: 'Родитель',
      className: '5А',
      login: 'kuznetsova.m',
      code: 'H8J9-K2L3',
    },
  ];
  const data: SlipsData = {
    schoolName: 'МБОУ «Школа № 17»',
    signInUrl: 'https://school17.example.ru',
    validUntil: new Date('2026-12-14T21:30:00Z'), // 15 December in Moscow
    people,
  };

  it('prints every person, four to a page, in Russian', async () => {
    const pages = await pdfPages(await renderAccessSlips(data));
    expect(pages).toHaveLength(2);
    const text = pages.join(' ');
    for (const p of people) {
      expect(text).toContain(p.fullName);
      expect(text).toContain(p.login);
      expect(text).toContain(p.code);
    }
    expect(pages[0]).toContain(people[3].fullName);
    expect(pages[1]).toContain(people[4].fullName);
    expect(pages[1]).not.toContain(people[0].fullName);
    expect(text.split('МБОУ «Школа № 17»')).toHaveLength(6);
    expect(text).toContain('Ученик, класс 5А');
    expect(text).toContain('Код действует до: 15.12.2026');
    expect(text).toContain('https://school17.example.ru');
    expect(text).toContain('Первый вход по коду доступа');
    expect(text).toMatch(/Получил\(а\): _+ Дата: _+ Подпись: _+/);
  });

  it('speaks English', async () => {
    const text = await pdfText(await renderAccessSlips(data, 'en'));
    expect(text).toContain('Иванова Анна Сергеевна');
    expect(text).toContain('Activation code');
    expect(text).toContain('First sign-in with an access');
    expect(text).toContain('valid until: 2026-12-15');
    expect(text).toMatch(/Received by: _+ Date: _+ Signature: _+/);
    expect(text).not.toContain('Подпись');
  });

  it('says so when there is nobody', async () => {
    const pages = await pdfPages(await renderAccessSlips({ ...data, people: [] }));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Нет людей');
  });

  it('prints a class of 35 on 9 pages, four to a page', async () => {
    const many = { ...data, people: Array.from({ length: 35 }, (_, i) => people[i % 5]) };
    const pages = await pdfPages(await renderAccessSlips(many));
    expect(pages).toHaveLength(9);
    expect(pages[8]).toContain(people[34 % 5].fullName);
  });
});

describe('code register', () => {
  const rows: CodeRegisterRow[] = Array.from({ length: 60 }, (_, i) => ({
    issuedAt: new Date('2026-11-20T09:00:00Z'),
    fullName: `Сидоров Пётр Алексеевич ${i + 1}`,
    roleLabel: 'Родитель',
    className: i % 2 ? '7Б' : null,
    login: `sidorov${i + 1}`,
    issuedBy: 'Смирнова О. В.',
    activatedAt: i === 0 ? new Date('2026-11-21T09:00:00Z') : null,
    revokedAt: i === 1 ? new Date('2026-11-22T09:00:00Z') : null,
    expiresAt: i === 2 ? new Date('2026-11-25T09:00:00Z') : new Date('2026-12-05T09:00:00Z'),
  }));
  const register = {
    schoolName: 'МБОУ «Школа № 17»',
    title: 'Журнал выдачи кодов доступа',
    generatedAt: new Date('2026-11-28T10:15:00Z'),
    rows,
  };

  it('is a table over several pages with the header on each', async () => {
    const pages = await pdfPages(await renderCodeRegister(register));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      expect(page).toContain('Подпись получателя');
      expect(page).toContain('Журнал выдачи кодов доступа');
      expect(page).toContain(`Стр. ${i + 1} из ${pages.length}`);
    });
    const text = pages.join(' ');
    expect(text).toContain('МБОУ «Школа № 17»');
    expect(text).toContain('Сформировано: 28.11.2026 13:15');
    expect(text).toContain('Сидоров Пётр Алексеевич 60');
    expect(text).toContain('sidorov42');
    expect(text).toContain('Родитель, 7Б');
    expect(text).toContain('21.11.2026'); // activated
    expect(text).toContain('22.11.2026'); // revoked
    expect(text).toContain('истёк 25.11.2026');
  });

  it('speaks English and copes with no rows', async () => {
    const text = await pdfText(await renderCodeRegister({ ...register, rows: [] }, 'en'));
    expect(text).toContain("Recipient's signature");
    expect(text).toContain('No access codes have been issued');
    expect(text).toContain('Generated: 2026-11-28 13:15');
    expect(text).toContain('Page 1 of 1');
  });
});

describe('personal data export', () => {
  const data = {
    schoolName: 'МБОУ «Школа № 17»',
    personName: 'Иванова Анна Сергеевна',
    generatedAt: new Date('2026-11-28T10:15:00Z'),
    sections: [
      {
        title: 'Личные данные',
        fields: [
          { label: 'Дата рождения', value: '14.03.2016' },
          { label: 'Адрес', value: 'г. Киров, ул. Ленина, д. 1' },
        ],
      },
      {
        title: 'Оценки',
        table: {
          columns: ['Дата', 'Предмет', 'Оценка'],
          rows: [
            ['01.09.2026', 'Математика', '5'],
            ['02.09.2026', 'Русский язык'], // a short row is padded
          ],
        },
      },
      { title: 'Пропуски', table: { columns: ['Дата'], rows: [] } },
    ],
  };

  it('lists each section with its values', async () => {
    const text = await pdfText(await renderPersonalDataExport(data));
    for (const s of [
      'Выгрузка персональных данных',
      'Иванова Анна Сергеевна',
      'МБОУ «Школа № 17»',
      'Личные данные',
      'Дата рождения 14.03.2016',
      'г. Киров, ул. Ленина, д. 1',
      'Оценки',
      'Дата Предмет Оценка',
      '01.09.2026 Математика 5',
      'Русский язык',
      'Пропуски нет данных',
      'Сформировано: 28.11.2026',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('speaks English', async () => {
    const text = await pdfText(await renderPersonalDataExport(data, 'en'));
    expect(text).toContain('Personal data export');
    expect(text).toContain('Пропуски none');
    const empty = await pdfText(await renderPersonalDataExport({ ...data, sections: [] }, 'en'));
    expect(empty).toContain('Nothing is stored about this person');
  });
});

// ---------------------------------------------------------------------------------------------

const TODAY = '2026-11-28';

const HEADERS = [
  'Фамилия',
  'Имя',
  'Отчество',
  'Пол',
  'Дата рождения',
  'Адрес',
  'Телефон',
  'Email',
  'Родитель 1: фамилия',
  'Родитель 1: имя',
  'Родитель 1: отчество',
  'Родитель 1: кем приходится',
  'Родитель 1: телефон',
  'Родитель 1: email',
  'Родитель 2: фамилия',
  'Родитель 2: имя',
  'Родитель 2: отчество',
  'Родитель 2: кем приходится',
  'Родитель 2: телефон',
  'Родитель 2: email',
];
type Rec = Partial<Record<(typeof HEADERS)[number], string>>;

const csv = (rows: Rec[], headers: string[] = HEADERS, sep = ';') =>
  [headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))]
    .map((cells) => cells.join(sep))
    .join('\r\n');

/** Windows-1251, as old Russian Excel saves CSV. */
function cp1251(s: string): Buffer {
  const decoder = new TextDecoder('windows-1251');
  const table = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from(
    [...s].map((ch) => (ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : (table.get(ch) ?? 0x3f))),
  );
}

const parse = (s: string | Buffer, name = 'class.csv') =>
  parseClassList(typeof s === 'string' ? Buffer.from(s) : s, name, { today: TODAY });

const problems = (r: ImportRow) => r.problems.map(({ field, reason }) => ({ field, reason }));
const fileReasons = (p: ParsedClassList) => p.fileProblems.map((f) => f.reason);

const anna: Rec = {
  Фамилия: 'Иванова',
  Имя: 'Анна',
  Отчество: 'Сергеевна',
  Пол: 'Ж',
  'Дата рождения': '14.03.2016',
  Телефон: '8 (912) 345-67-89',
  'Родитель 1: фамилия': 'Иванова',
  'Родитель 1: имя': 'Мария',
  'Родитель 1: кем приходится': 'мать',
};

describe('class list template', () => {
  it('xlsx: bold headers, an instruction sheet, and an example row that parses back', async () => {
    const file = await classListTemplate('xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer); // exceljs declares its own Buffer type
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Список класса', 'Инструкция']);
    const sheet = wb.worksheets[0];
    expect(sheet.getCell('A1').value).toBe('Фамилия');
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getColumn(1).width).toBeGreaterThan(8);
    expect(sheet.getCell('E2').value).toBeInstanceOf(Date);

    const parsed = await parseClassList(file, 'template.xlsx');
    expect(parsed.fileProblems).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
    const [row] = parsed.rows;
    expect(row.rowNumber).toBe(2);
    expect(row.problems).toEqual([]);
    expect(row.pupil).toMatchObject({
      lastName: 'Иванова',
      firstName: 'Анна',
      middleName: 'Сергеевна',
      sex: 'F',
      phone: '+79123456789',
      email: 'anna.ivanova@example.com',
    });
    expect(row.pupil.birthDate).toMatch(/^\d{4}-03-14$/);
    expect(row.guardians.map((g) => [g.kind, g.firstName, g.phone])).toEqual([
      ['mother', 'Мария', '+79123456790'],
      ['father', 'Сергей', '+79123456791'],
    ]);
  });

  it('csv: UTF-8 with a BOM, semicolons, and it parses back', async () => {
    const file = await classListTemplate('csv');
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFF' + HEADERS.join(';'));
    const parsed = await parseClassList(file, 'template.csv');
    expect(parsed.fileProblems).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0].problems).toEqual([]);
    expect(parsed.rows[0].guardians).toHaveLength(2);
  });
});

describe('class list import', () => {
  it('reads a Windows-1251 CSV separated by semicolons', async () => {
    const file = cp1251(
      csv([anna, { Фамилия: 'Щёголев', Имя: 'Юрий', Пол: 'М', 'Дата рождения': '2015-01-31' }]),
    );
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow();
    const { rows, fileProblems } = await parse(file);
    expect(fileProblems).toEqual([]);
    expect(rows.map((r) => r.problems)).toEqual([[], []]);
    expect(rows[0].pupil).toEqual({
      lastName: 'Иванова',
      firstName: 'Анна',
      middleName: 'Сергеевна',
      sex: 'F',
      birthDate: '2016-03-14',
      address: null,
      phone: '+79123456789',
      email: null,
    });
    expect(rows[0].guardians).toEqual([
      expect.objectContaining({ kind: 'mother', lastName: 'Иванова', firstName: 'Мария' }),
    ]);
    expect(rows[1].pupil).toMatchObject({ lastName: 'Щёголев', firstName: 'Юрий', sex: 'M' });
    expect(rows[1].guardians).toEqual([]);
  });

  it('cleans values: trims, collapses spaces, normalises phones, skips empty rows', async () => {
    const { rows } = await parse(
      '\uFEFF' +
        csv([
          { ...anna, Фамилия: '  Римская -  Корсакова ', Имя: ' Анна   Мария ' },
          {},
          { ...anna, Имя: 'Ольга', Телефон: '+7 912 345 67 89', Email: ' olga@example.com ' },
          { ...anna, Имя: 'Вера', Телефон: '9123456789', 'Родитель 1: кем приходится': 'Отец' },
        ]) +
        '\r\n;;;\r\n',
    );
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 4, 5]);
    expect(rows.flatMap((r) => r.problems)).toEqual([]);
    expect(rows[0].pupil).toMatchObject({
      lastName: 'Римская - Корсакова',
      firstName: 'Анна Мария',
    });
    expect(rows.map((r) => r.pupil.phone)).toEqual(Array(3).fill('+79123456789'));
    expect(rows[1].pupil.email).toBe('olga@example.com');
    expect(rows[2].guardians[0].kind).toBe('father');
  });

  it('reports each problem with its reason, field and row', async () => {
    const { rows, fileProblems } = await parse(
      csv([
        anna, // 2
        { ...anna, Фамилия: '' }, // 3
        { ...anna, 'Дата рождения': '31.02.2015' }, // 4
        { ...anna, Имя: 'Лиза', 'Дата рождения': '01.01.2024' }, // 5: two years old
        { ...anna, Имя: 'Оля', Пол: 'X' }, // 6
        { ...anna, Имя: 'Юля', 'Родитель 1: кем приходится': 'дедушка' }, // 7
        { ...anna, Имя: 'Катя', Телефон: '12-34' }, // 8
        { ...anna, Имя: 'Женя', 'Родитель 2: фамилия': 'Иванов', 'Родитель 2: имя': 'Олег' }, // 9
        { ...anna, Имя: 'Галя', 'Родитель 2: email': 'not-an-email' }, // 10
        { ...anna, Фамилия: 'Я'.repeat(101) }, // 11
        { ...anna, Имя: 'Анна2' }, // 12
        anna, // 13: the same as row 2
        { Фамилия: 'Петров', Имя: 'Пётр', 'Дата рождения': '1990-05-01' }, // 14: too old
      ]),
    );
    expect(fileProblems).toEqual([]);
    const byRow = Object.fromEntries(rows.map((r) => [r.rowNumber, problems(r)]));
    expect(byRow).toEqual({
      2: [],
      3: [{ field: 'lastName', reason: 'REQUIRED' }],
      4: [{ field: 'birthDate', reason: 'INVALID_DATE' }],
      5: [{ field: 'birthDate', reason: 'DATE_OUT_OF_RANGE' }],
      6: [{ field: 'sex', reason: 'INVALID_SEX' }],
      7: [{ field: 'parent1.kind', reason: 'INVALID_KIND' }],
      8: [{ field: 'phone', reason: 'INVALID_PHONE' }],
      9: [{ field: 'parent2.kind', reason: 'INCOMPLETE_GUARDIAN' }],
      10: [
        { field: 'parent2.lastName', reason: 'INCOMPLETE_GUARDIAN' },
        { field: 'parent2.firstName', reason: 'INCOMPLETE_GUARDIAN' },
        { field: 'parent2.kind', reason: 'INCOMPLETE_GUARDIAN' },
        { field: 'parent2.email', reason: 'INVALID_EMAIL' },
      ],
      11: [{ field: 'lastName', reason: 'TOO_LONG' }],
      12: [{ field: 'firstName', reason: 'INVALID_NAME' }],
      13: [{ field: 'row', reason: 'DUPLICATE_ROW' }],
      14: [{ field: 'birthDate', reason: 'DATE_OUT_OF_RANGE' }],
    });
    for (const r of rows) for (const p of r.problems) expect(p.message).toMatch(/\w/);
    expect(rows.find((r) => r.rowNumber === 13)?.problems[0].message).toContain('row 2');
    // What was wrong is left out, not guessed.
    expect(rows.find((r) => r.rowNumber === 4)?.pupil.birthDate).toBeNull();
    expect(rows.find((r) => r.rowNumber === 8)?.pupil.phone).toBeNull();
    expect(rows.find((r) => r.rowNumber === 9)?.guardians).toHaveLength(2);
  });

  it('reports unknown and missing columns for the whole file', async () => {
    const unknown = await parse(csv([anna], [...HEADERS, 'Любимый предмет']));
    expect(unknown.fileProblems).toEqual([
      expect.objectContaining({ reason: 'UNKNOWN_COLUMN', column: 'Любимый предмет' }),
    ]);
    expect(unknown.rows).toHaveLength(1);

    const missing = await parse(csv([anna], ['Имя', 'Отчество', 'Пол']));
    expect(missing.fileProblems).toEqual([
      expect.objectContaining({ reason: 'MISSING_COLUMN', column: 'Фамилия' }),
    ]);
    expect(missing.rows).toEqual([]);

    const twice = await parse(csv([anna], [...HEADERS, 'фамилия']));
    expect(fileReasons(twice)).toEqual(['DUPLICATE_COLUMN']);
  });

  it('refuses empty, unreadable and too long files', async () => {
    expect(fileReasons(await parse(''))).toEqual(['EMPTY_FILE']);
    expect(fileReasons(await parse(HEADERS.join(';') + '\r\n'))).toEqual(['EMPTY_FILE']);
    expect(fileReasons(await parse(Buffer.from('PK\x03\x04 not a zip'), 'class.xlsx'))).toEqual([
      'UNREADABLE_FILE',
    ]);
    const many = Array.from({ length: 201 }, (_, i) => ({ ...anna, Имя: `Анна${'а'.repeat(i)}` }));
    const tooMany = await parse(csv(many));
    expect(fileReasons(tooMany)).toEqual(['TOO_MANY_ROWS']);
    expect(tooMany.rows).toEqual([]);
  });

  it('accepts English headers in any order and case, comma- or tab-separated', async () => {
    const headers = [
      ' FIRSTNAME ',
      'last name',
      'birthDate',
      'Sex',
      'parent1Kind',
      'parent1FirstName',
      'parent1LastName',
      'parent1Phone',
    ];
    const rows = [
      ['Anna', 'Ivanova', '2016-03-14', 'F', 'Mother', 'Maria', 'Ivanova', '89123456789'],
    ];
    for (const sep of [',', '\t']) {
      const parsed = await parse([headers, ...rows].map((r) => r.join(sep)).join('\n'));
      expect(parsed.fileProblems).toEqual([]);
      expect(parsed.rows[0].problems).toEqual([]);
      expect(parsed.rows[0].pupil).toMatchObject({
        lastName: 'Ivanova',
        firstName: 'Anna',
        sex: 'F',
        birthDate: '2016-03-14',
      });
      expect(parsed.rows[0].guardians[0]).toMatchObject({
        kind: 'mother',
        firstName: 'Maria',
        phone: '+79123456789',
      });
    }
  });

  it('reads xlsx date cells, number cells and linked e-mails', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Лист1');
    ws.addRow(['Имя', 'Фамилия', 'Дата рождения', 'Телефон', 'Email']);
    ws.addRow([
      'Анна',
      'Иванова',
      new Date(Date.UTC(2016, 2, 14)),
      89123456789,
      { text: 'anna@example.com', hyperlink: 'mailto:anna@example.com' },
    ]);
    ws.addRow(['Пётр', 'Петров', 42_000, null, null]); // a date serial without its format
    ws.addRow([{ richText: [{ text: 'Ол' }, { text: 'ег' }] }, 'Сидоров', '01.09.2015']);
    ws.getCell('C2').numFmt = 'dd.mm.yyyy';
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const { rows, fileProblems } = await parse(file, 'class.xlsx');
    expect(fileProblems).toEqual([]);
    expect(rows.flatMap((r) => r.problems)).toEqual([]);
    expect(rows.map((r) => [r.pupil.firstName, r.pupil.birthDate])).toEqual([
      ['Анна', '2016-03-14'],
      ['Пётр', '2014-12-27'],
      ['Олег', '2015-09-01'],
    ]);
    expect(rows[0].pupil).toMatchObject({ phone: '+79123456789', email: 'anna@example.com' });
  });
});
