import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { DEFAULT_TIME_ZONE, todayIn } from '../../time.js';
import { pad2 } from './cells.js';
import { COLUMNS, MAX_AGE, MAX_ROWS, MIN_AGE, type ColumnKey } from './columns.js';

/** The empty class list a school downloads to fill in, as .xlsx or .csv. */

const TEMPLATE_SHEET = 'Список класса';

type Example = Record<ColumnKey, string | Date>;

function exampleRow(): Example {
  // A ten-year-old, as the parser's default today sees it, so that the example parses back.
  const year = Number(todayIn(DEFAULT_TIME_ZONE).slice(0, 4)) - 10;
  return {
    lastName: 'Иванова',
    firstName: 'Анна',
    middleName: 'Сергеевна',
    sex: 'Ж',
    birthDate: new Date(Date.UTC(year, 2, 14)),
    address: 'г. Киров, ул. Ленина, д. 1, кв. 2',
    phone: '8 (912) 345-67-89',
    email: 'anna.ivanova@example.com',
    'parent1.lastName': 'Иванова',
    'parent1.firstName': 'Мария',
    'parent1.middleName': 'Петровна',
    'parent1.kind': 'мать',
    'parent1.phone': '8-912-345-67-90',
    'parent1.email': 'm.ivanova@example.com',
    'parent2.lastName': 'Иванов',
    'parent2.firstName': 'Сергей',
    'parent2.middleName': 'Николаевич',
    'parent2.kind': 'отец',
    'parent2.phone': '8 912 345 67 91',
    'parent2.email': 's.ivanov@example.com',
  };
}

const INSTRUCTIONS: string[] = [
  'Как заполнить список класса',
  '',
  `1. Лист «${TEMPLATE_SHEET}»: одна строка — один ученик. Первая строка — заголовки столбцов, их не меняйте. Строку-пример замените своими данными.`,
  '2. Обязательно заполнить: Фамилия и Имя. Имена пишутся буквами; можно дефис, пробел и апостроф. Не длиннее 100 символов.',
  '3. Пол: М или Ж.',
  `4. Дата рождения: ДД.ММ.ГГГГ (например, 14.03.2015) или ячейка с датой. Ученику должно быть от ${MIN_AGE} до ${MAX_AGE} лет.`,
  '5. Телефон: российский номер в любом привычном виде: 8 (912) 345-67-89, +7 912 345 67 89, 9123456789.',
  '6. Email: адрес электронной почты, например ivanov@example.com.',
  '7. Родитель 1 и Родитель 2 заполнять не обязательно. Если заполнена хотя бы одна ячейка родителя, нужны его фамилия, имя и «кем приходится»: мать, отец или опекун.',
  `8. В одном файле — не больше ${MAX_ROWS} учеников. Один и тот же ученик (ФИО и дата рождения) не должен повторяться.`,
  '9. Можно загрузить этот файл (.xlsx) или сохранить его как CSV: разделитель — точка с запятой, запятая или табуляция; кодировка UTF-8 или Windows-1251.',
  '10. Столбцы можно переставлять и удалять ненужные (кроме Фамилии и Имени). Заголовки можно писать и по-английски: lastName, firstName, middleName, sex, birthDate, address, phone, email, parent1LastName, parent1FirstName, parent1MiddleName, parent1Kind, parent1Phone, parent1Email, parent2…',
];

/** Semicolons and a UTF-8 byte order mark: what a Russian Excel opens as it is. */
function csvTemplate(example: Example): Buffer {
  const row = COLUMNS.map(({ key }) => {
    const v = example[key];
    return v instanceof Date
      ? `${pad2(v.getUTCDate())}.${pad2(v.getUTCMonth() + 1)}.${v.getUTCFullYear()}`
      : v;
  });
  const csv = Papa.unparse(
    { fields: COLUMNS.map((c) => c.ru), data: [row] },
    { delimiter: ';', newline: '\r\n' },
  );
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${csv}\r\n`, 'utf8')]);
}

function addListSheet(wb: ExcelJS.Workbook, example: Example) {
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({
    header: c.ru,
    key: c.key,
    width: Math.max(12, c.ru.length + 4, String(example[c.key]).length > 30 ? 34 : 0),
    style:
      c.key === 'birthDate'
        ? { numFmt: 'dd.mm.yyyy' }
        : c.key.endsWith('phone')
          ? { numFmt: '@' }
          : {},
  }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', wrapText: true };
  head.height = 32;
  head.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  });
  ws.addRow(example);
  addDropDowns(ws);
}

/** Sex and each parent's relationship offer their words as a drop-down on every pupil's row. */
function addDropDowns(ws: ExcelJS.Worksheet) {
  const lists: Partial<Record<ColumnKey, string>> = {
    sex: '"М,Ж"',
    'parent1.kind': '"мать,отец,опекун"',
    'parent2.kind': '"мать,отец,опекун"',
  };
  for (const [key, list] of Object.entries(lists)) {
    const col = ws.getColumn(key);
    for (let r = 2; r <= MAX_ROWS + 1; r++) {
      ws.getCell(r, col.number).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [list],
      };
    }
  }
}

function addInstructionsSheet(wb: ExcelJS.Workbook) {
  const help = wb.addWorksheet('Инструкция');
  help.getColumn(1).width = 120;
  INSTRUCTIONS.forEach((line, i) => {
    const cell = help.getCell(i + 1, 1);
    cell.value = line;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) cell.font = { bold: true, size: 14 };
  });
}

/** An empty class list to fill in: the headers and one example row. */
export async function classListTemplate(format: 'xlsx' | 'csv'): Promise<Buffer> {
  const example = exampleRow();
  if (format === 'csv') return csvTemplate(example);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Otmetka';
  addListSheet(wb, example);
  addInstructionsSheet(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
