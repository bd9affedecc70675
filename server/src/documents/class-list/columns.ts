/** The columns a class list may have, how their headers may be written, and the limits. */

export const MAX_ROWS = 200;
export const MIN_AGE = 4;
export const MAX_AGE = 20;
export const NAME_MAX = 100;
export const EMAIL_MAX = 200;
export const ADDRESS_MAX = 300;

type PersonField =
  'lastName' | 'firstName' | 'middleName' | 'sex' | 'birthDate' | 'address' | 'phone' | 'email';
export type GuardianField = 'lastName' | 'firstName' | 'middleName' | 'kind' | 'phone' | 'email';
export type ColumnKey = PersonField | `parent${1 | 2}.${GuardianField}`;

interface Column {
  key: ColumnKey;
  ru: string;
  en: string;
  aliases?: string[];
}

const PUPIL_COLUMNS: Column[] = [
  { key: 'lastName', ru: 'Фамилия', en: 'lastName' },
  { key: 'firstName', ru: 'Имя', en: 'firstName' },
  { key: 'middleName', ru: 'Отчество', en: 'middleName' },
  { key: 'sex', ru: 'Пол', en: 'sex' },
  { key: 'birthDate', ru: 'Дата рождения', en: 'birthDate' },
  { key: 'address', ru: 'Адрес', en: 'address' },
  { key: 'phone', ru: 'Телефон', en: 'phone' },
  { key: 'email', ru: 'Email', en: 'email', aliases: ['e-mail', 'Электронная почта'] },
];

export const GUARDIAN_FIELDS: { field: GuardianField; ru: string; en: string }[] = [
  { field: 'lastName', ru: 'фамилия', en: 'LastName' },
  { field: 'firstName', ru: 'имя', en: 'FirstName' },
  { field: 'middleName', ru: 'отчество', en: 'MiddleName' },
  { field: 'kind', ru: 'кем приходится', en: 'Kind' },
  { field: 'phone', ru: 'телефон', en: 'Phone' },
  { field: 'email', ru: 'email', en: 'Email' },
];

const guardianColumns = (n: 1 | 2): Column[] =>
  GUARDIAN_FIELDS.map(({ field, ru, en }) => ({
    key: `parent${n}.${field}` as const,
    ru: `Родитель ${n}: ${ru}`,
    en: `parent${n}${en}`,
    aliases: field === 'email' ? [`Родитель ${n}: e-mail`] : [],
  }));

export const COLUMNS: Column[] = [...PUPIL_COLUMNS, ...guardianColumns(1), ...guardianColumns(2)];
export const REQUIRED_COLUMNS: ColumnKey[] = ['lastName', 'firstName'];

/** Case, spaces, «ё» and a trailing required-marker asterisk do not matter. */
export const normalizeHeader = (s: string) =>
  s
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/\s+/g, '')
    .replace(/\*+$/, '');

export const HEADER_LOOKUP = new Map<string, ColumnKey>(
  COLUMNS.flatMap((c) =>
    [c.ru, c.en, c.key, ...(c.aliases ?? [])].map((h) => [normalizeHeader(h), c.key] as const),
  ),
);

export const columnTitle = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)?.ru ?? key;

/** A, B, …, Z, AA, AB…: how a spreadsheet names the column at index i. */
export const columnLetter = (i: number): string =>
  (i >= 26 ? columnLetter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));
