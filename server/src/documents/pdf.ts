import type { Content, CustomTableLayout, TableCell } from 'pdfmake';
import { pdfMake } from './fonts.js';
import { DEFAULT_TIME_ZONE, localTime } from '../time.js';

export type Lang = 'ru' | 'en';

type DocDefinition = Parameters<ReturnType<typeof pdfMake>['createPdf']>[0];

/** dd.mm.yyyy (ru) or yyyy-mm-dd (en) of a calendar date (YYYY-MM-DD), which has no time zone. */
export function formatDay(date: string, lang: Lang = 'ru'): string {
  const [year, month, day] = date.split('-');
  return lang === 'ru' ? `${day}.${month}.${year}` : `${year}-${month}-${day}`;
}

/** An instant's date as the school's wall calendar shows it, dd.mm.yyyy (ru) or yyyy-mm-dd (en). */
export function formatDate(d: Date, timeZone: string, lang: Lang = 'ru'): string {
  if (Number.isNaN(d.getTime())) return '';
  const p = localTime(timeZone, d);
  return formatDay(`${p.year}-${p.month}-${p.day}`, lang);
}

/** The date and hh:mm on the school's wall clock. */
export function formatDateTime(d: Date, timeZone: string, lang: Lang = 'ru'): string {
  if (Number.isNaN(d.getTime())) return '';
  const p = localTime(timeZone, d);
  return `${formatDate(d, timeZone, lang)} ${p.hour}:${p.minute}`;
}

const TEXTS = {
  ru: {
    slipTitle: 'Доступ к электронному дневнику',
    login: 'Логин',
    code: 'Код активации',
    validUntil: 'Код действует до',
    howTo: 'Как войти в первый раз',
    steps: (url: string) => [
      `Откройте ${url}`,
      'Выберите «Первый вход по коду доступа» на странице входа.',
      'Введите логин и код активации.',
      'Придумайте пароль. Дальше входите по логину и паролю.',
    ],
    keepSecret: 'Код действует один раз. Не передавайте его другим людям.',
    receivedBy: 'Получил(а)',
    date: 'Дата',
    signature: 'Подпись',
    className: (c: string) => `класс ${c}`,
    noPeople: 'Нет людей, для которых нужно напечатать коды доступа.',
    slipsTitle: 'Коды доступа',
    generated: 'Сформировано',
    page: (n: number, of: number) => `Стр. ${n} из ${of}`,
    register: {
      no: '№',
      issuedAt: 'Выдан',
      person: 'ФИО',
      role: 'Роль / класс',
      login: 'Логин',
      issuedBy: 'Кто выдал',
      activated: 'Активирован',
      revoked: 'Отозван / перевыпущен',
      signature: 'Подпись получателя',
      none: 'Коды доступа не выдавались.',
      expired: (d: string) => `истёк ${d}`,
      pending: (d: string) => `нет, действует до ${d}`,
    },
    exportTitle: 'Выгрузка персональных данных',
    person: 'Человек',
    school: 'Школа',
    noData: 'нет данных',
    noSections: 'Сведений об этом человеке нет.',
  },
  en: {
    slipTitle: 'Access to the school diary',
    login: 'Login',
    code: 'Activation code',
    validUntil: 'The code is valid until',
    howTo: 'How to sign in the first time',
    steps: (url: string) => [
      `Open ${url}`,
      'On the sign-in page choose "First sign-in with an access code".',
      'Enter the login and the activation code.',
      'Choose a password. From then on, sign in with the login and password.',
    ],
    keepSecret: 'The code works once. Do not give it to anyone else.',
    receivedBy: 'Received by',
    date: 'Date',
    signature: 'Signature',
    className: (c: string) => `class ${c}`,
    noPeople: 'There is nobody to print access codes for.',
    slipsTitle: 'Access codes',
    generated: 'Generated',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    register: {
      no: 'No.',
      issuedAt: 'Issued',
      person: 'Person',
      role: 'Role / class',
      login: 'Login',
      issuedBy: 'Issued by',
      activated: 'Activated',
      revoked: 'Revoked / reissued',
      signature: "Recipient's signature",
      none: 'No access codes have been issued.',
      expired: (d: string) => `expired ${d}`,
      pending: (d: string) => `no, valid until ${d}`,
    },
    exportTitle: 'Personal data export',
    person: 'Person',
    school: 'School',
    noData: 'none',
    noSections: 'Nothing is stored about this person.',
  },
} as const;

async function render(doc: DocDefinition): Promise<Buffer> {
  const pdf = pdfMake().createPdf({
    ...doc,
    defaultStyle: { font: 'Roboto', fontSize: 10, ...doc.defaultStyle },
    info: { creator: 'Otmetka', producer: 'Otmetka', ...doc.info },
  });
  return pdf.getBuffer();
}

const pageFooter =
  (lang: Lang) =>
  (currentPage: number, pageCount: number): Content => ({
    text: TEXTS[lang].page(currentPage, pageCount),
    alignment: 'right',
    fontSize: 8,
    color: '#555555',
    margin: [0, 12, 30, 0],
  });

// ---------------------------------------------------------------------------------------------
// Access slips

export interface SlipPerson {
  fullName: string;
  roleLabel: string;
  className?: string | null;
  login: string;
  code: string;
}

/**
 * The school's time zone, in which every date and time on a document is printed. The services
 * always give it; without one (tests of the layout) it is a new school's default.
 */
export interface Printed {
  timeZone?: string;
}

export interface SlipsData extends Printed {
  schoolName: string;
  signInUrl: string;
  validUntil: Date;
  people: SlipPerson[];
}

const SLIPS_PER_PAGE = 4;
const PAGE_MARGIN = 20;
/** Content height of a slip: two rows (with padding and cut line) fill the 801.89 pt of an A4 page. */
const SLIP_ROW_HEIGHT = 366;
/** Plain ASCII can use the PDF standard Courier (no Cyrillic in it); anything else gets Roboto. */
const isLatin1 = (s: string) => /^[\x20-\x7e]*$/.test(s);

const mono = (text: string, fontSize: number) =>
  isLatin1(text)
    ? { text, font: 'Courier', bold: true, fontSize }
    : { text, bold: true, fontSize, characterSpacing: 1 };

const dashed = { dash: { length: 4, space: 3 } };
const cutLines: CustomTableLayout = {
  hLineWidth: (i) => (i === 1 ? 0.5 : 0),
  vLineWidth: (i) => (i === 1 ? 0.5 : 0),
  hLineColor: () => '#888888',
  vLineColor: () => '#888888',
  hLineStyle: () => dashed,
  vLineStyle: () => dashed,
  paddingLeft: () => 16,
  paddingRight: () => 16,
  paddingTop: () => 16,
  paddingBottom: () => 16,
};

function slip(p: SlipPerson, data: SlipsData, lang: Lang): Content {
  const t = TEXTS[lang];
  const role = p.className ? `${p.roleLabel}, ${t.className(p.className)}` : p.roleLabel;
  return {
    stack: [
      { text: data.schoolName, fontSize: 9, color: '#444444' },
      { text: t.slipTitle, bold: true, fontSize: 11, margin: [0, 2, 0, 10] },
      { text: p.fullName, bold: true, fontSize: 14 },
      { text: role, fontSize: 10, margin: [0, 2, 0, 10] },
      { text: [`${t.login}: `, mono(p.login, 13)] },
      { text: `${t.code}:`, margin: [0, 8, 0, 2] },
      { ...mono(p.code, 20), margin: [0, 0, 0, 6] },
      {
        text: [
          `${t.validUntil}: `,
          {
            text: formatDate(data.validUntil, data.timeZone ?? DEFAULT_TIME_ZONE, lang),
            bold: true,
          },
        ],
      },
      { text: `${t.howTo}:`, bold: true, margin: [0, 12, 0, 4] },
      { ol: [...t.steps(data.signInUrl)], fontSize: 9, lineHeight: 1.1 },
      { text: t.keepSecret, fontSize: 8, italics: true, color: '#444444', margin: [0, 8, 0, 0] },
      {
        stack: [
          `${t.receivedBy}: ________________________________`,
          `${t.date}: ______________   ${t.signature}: ______________`,
        ],
        fontSize: 9,
        lineHeight: 1.8,
        margin: [0, 14, 0, 0],
      },
    ],
  };
}

/**
 * A4 portrait, four slips a page (2 × 2, dashed cut lines between them). Each slip carries the
 * school, the person, their login and one-time activation code, until when the code works, how to
 * sign in and lines for a receipt signature.
 */
export function renderAccessSlips(data: SlipsData, lang: Lang = 'ru'): Promise<Buffer> {
  const t = TEXTS[lang];
  const pages: Content[] = [];
  for (let i = 0; i < data.people.length; i += SLIPS_PER_PAGE) {
    const cells: TableCell[] = data.people
      .slice(i, i + SLIPS_PER_PAGE)
      .map((p) => slip(p, data, lang));
    while (cells.length < SLIPS_PER_PAGE) cells.push('');
    pages.push({
      table: {
        widths: ['*', '*'],
        heights: SLIP_ROW_HEIGHT,
        dontBreakRows: true,
        body: [
          [cells[0], cells[1]],
          [cells[2], cells[3]],
        ],
      },
      layout: cutLines,
      ...(i > 0 ? { pageBreak: 'before' as const } : {}),
    });
  }
  if (pages.length === 0) {
    pages.push(
      { text: data.schoolName, fontSize: 10, color: '#444444' },
      { text: t.noPeople, fontSize: 14, margin: [0, 20, 0, 0] },
    );
  }
  return render({
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: PAGE_MARGIN,
    content: pages,
    info: { title: `${t.slipsTitle}: ${data.schoolName}` },
  });
}

// ---------------------------------------------------------------------------------------------
// Register of issued codes

export interface CodeRegisterRow {
  issuedAt: Date;
  fullName: string;
  roleLabel: string;
  className?: string | null;
  login: string;
  issuedBy: string;
  activatedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

const gridLayout: CustomTableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  hLineColor: () => '#777777',
  vLineColor: () => '#777777',
  paddingLeft: () => 3,
  paddingRight: () => 3,
  paddingTop: () => 2,
  paddingBottom: () => 2,
  fillColor: (rowIndex) => (rowIndex === 0 ? '#eeeeee' : null),
};

/**
 * A4 landscape register of issued access codes, one row per code, with an empty column for the
 * recipient's signature. The title, school and generation time head every page, page numbers
 * foot it, and the table header repeats on each page.
 */
export function renderCodeRegister(
  data: Printed & { schoolName: string; title: string; generatedAt: Date; rows: CodeRegisterRow[] },
  lang: Lang = 'ru',
): Promise<Buffer> {
  const t = TEXTS[lang];
  const r = t.register;
  const zone = data.timeZone ?? DEFAULT_TIME_ZONE;
  const day = (d: Date) => formatDate(d, zone, lang);
  const head: TableCell[] = [
    r.no,
    r.issuedAt,
    r.person,
    r.role,
    r.login,
    r.issuedBy,
    r.activated,
    r.revoked,
    r.signature,
  ].map((text) => ({ text, bold: true }));
  const body: TableCell[][] = [head];
  data.rows.forEach((row, i) => {
    const activated = row.activatedAt
      ? day(row.activatedAt)
      : row.revokedAt
        ? '—'
        : row.expiresAt.getTime() < data.generatedAt.getTime()
          ? r.expired(day(row.expiresAt))
          : r.pending(day(row.expiresAt));
    body.push([
      String(i + 1),
      day(row.issuedAt),
      row.fullName,
      row.className ? `${row.roleLabel}, ${row.className}` : row.roleLabel,
      { text: row.login, font: isLatin1(row.login) ? 'Courier' : undefined },
      row.issuedBy,
      activated,
      row.revokedAt ? day(row.revokedAt) : '',
      '',
    ]);
  });
  if (data.rows.length === 0) {
    body.push([
      { text: r.none, colSpan: 9, alignment: 'center', margin: [0, 10, 0, 10] },
      ...Array.from({ length: 8 }, () => ''),
    ]);
  }
  return render({
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [30, 62, 30, 40],
    header: {
      margin: [30, 20, 30, 0],
      columns: [
        {
          stack: [
            { text: data.title, bold: true, fontSize: 13 },
            { text: data.schoolName, fontSize: 9, color: '#444444' },
          ],
        },
        {
          text: `${t.generated}: ${formatDateTime(data.generatedAt, zone, lang)}`,
          alignment: 'right',
          fontSize: 9,
          color: '#444444',
          width: 'auto',
        },
      ],
    },
    footer: pageFooter(lang),
    content: [
      {
        table: {
          headerRows: 1,
          dontBreakRows: true,
          widths: [20, 52, '*', 80, 80, 95, 70, 62, 90],
          // Tall enough to sign in.
          heights: (i) => (i === 0 || data.rows.length === 0 ? 'auto' : 18),
          body,
        },
        layout: gridLayout,
        fontSize: 8.5,
      },
    ],
    info: { title: `${data.title}: ${data.schoolName}` },
  });
}

// ---------------------------------------------------------------------------------------------
// Everything stored about a person

export interface ExportSection {
  title: string;
  fields?: { label: string; value: string }[];
  table?: { columns: string[]; rows: string[][] };
}

function sectionContent(s: ExportSection, lang: Lang): Content[] {
  const out: Content[] = [
    { text: s.title, bold: true, fontSize: 12, margin: [0, 14, 0, 6], headlineLevel: 1 },
  ];
  const fields = s.fields ?? [];
  if (fields.length > 0) {
    out.push({
      table: {
        widths: [170, '*'],
        dontBreakRows: true,
        body: fields.map((f) => [{ text: f.label, color: '#444444' }, f.value]),
      },
      layout: { ...gridLayout, fillColor: () => null },
      margin: [0, 0, 0, 6],
    });
  }
  const rows = s.table?.rows ?? [];
  if (s.table && rows.length > 0) {
    const width = Math.max(s.table.columns.length, ...rows.map((r) => r.length));
    const pad = (r: readonly string[]): TableCell[] =>
      Array.from({ length: width }, (_, i) => r[i] ?? '');
    const head = pad(s.table.columns).map((c) => ({ text: c as string, bold: true }));
    out.push({
      table: {
        headerRows: 1,
        dontBreakRows: true,
        widths: Array.from({ length: width }, () => '*'),
        body: [head, ...rows.map(pad)],
      },
      layout: gridLayout,
      fontSize: width > 6 ? 7 : width > 4 ? 8 : 9,
    });
  }
  if (fields.length === 0 && rows.length === 0) {
    out.push({ text: TEXTS[lang].noData, italics: true, color: '#555555' });
  }
  return out;
}

/** "Everything stored about a person" as a readable PDF: one heading and table per section. */
export function renderPersonalDataExport(
  data: Printed & {
    schoolName: string;
    personName: string;
    generatedAt: Date;
    sections: ExportSection[];
  },
  lang: Lang = 'ru',
): Promise<Buffer> {
  const t = TEXTS[lang];
  const content: Content[] = [
    { text: t.exportTitle, bold: true, fontSize: 16, margin: [0, 0, 0, 8] },
    {
      table: {
        widths: ['auto', '*'],
        body: [
          [`${t.person}:`, { text: data.personName, bold: true }],
          [`${t.school}:`, data.schoolName],
          [
            `${t.generated}:`,
            formatDateTime(data.generatedAt, data.timeZone ?? DEFAULT_TIME_ZONE, lang),
          ],
        ],
      },
      layout: 'noBorders',
      margin: [0, 0, 0, 4],
    },
  ];
  for (const s of data.sections) content.push(...sectionContent(s, lang));
  if (data.sections.length === 0) {
    content.push({ text: t.noSections, fontSize: 12, margin: [0, 16, 0, 0] });
  }
  return render({
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [40, 40, 40, 40],
    footer: pageFooter(lang),
    content,
    // A section heading never sits alone at the bottom of a page.
    pageBreakBefore: (node, ctx) =>
      node.headlineLevel === 1 && ctx.getFollowingNodesOnPage().length === 0,
    info: { title: `${t.exportTitle}: ${data.personName}` },
  });
}
