import { isoDate, text, type Cell } from './cells.js';
import type { ImportedGuardian } from './types.js';

/** What a cell's value must look like: dates, ages, phones, e-mails, names and the fixed words. */

function validDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? isoDate(y, m, d) : null;
}

/** yyyy-mm-dd, or null when the cell is not a date. */
export function parseDate(c: Cell): string | null {
  if (c instanceof Date) return text(c) || null;
  if (typeof c === 'number') {
    // A spreadsheet date serial that lost its date format.
    if (!Number.isInteger(c) || c < 1 || c > 400_000) return null;
    const d = new Date(Date.UTC(1899, 11, 30) + c * 86_400_000);
    return validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  const s = text(c);
  const time = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
  let m = new RegExp(String.raw`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})${time}$`).exec(s);
  if (m) return validDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = new RegExp(String.raw`^(\d{4})[-./](\d{1,2})[-./](\d{1,2})${time}$`).exec(s);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

/** Whole years between two yyyy-mm-dd dates. */
export function age(birth: string, today: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** A Russian number as +7XXXXXXXXXX, or null when it is not one. */
export function normalizePhone(s: string): string | null {
  if (!/^\+?[\d\s().-]+$/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  let national: string | null = null;
  if (s.startsWith('+')) {
    if (digits.length === 11 && digits[0] === '7') national = digits.slice(1);
  } else if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) {
    national = digits.slice(1);
  } else if (digits.length === 10) {
    national = digits;
  }
  // Russian area and mobile codes begin with 3–9.
  return national && /^[3-9]/.test(national) ? `+7${national}` : null;
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN =
  /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]*$/u;

export function isEmail(s: string): boolean {
  const at = s.lastIndexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain);
}

export const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’ʼ‐-]*$/u;

export const SEX: Record<string, 'M' | 'F'> = {
  м: 'M',
  m: 'M',
  муж: 'M',
  мужской: 'M',
  male: 'M',
  ж: 'F',
  f: 'F',
  жен: 'F',
  женский: 'F',
  female: 'F',
};

export const KIND: Record<string, ImportedGuardian['kind']> = {
  мать: 'mother',
  мама: 'mother',
  mother: 'mother',
  отец: 'father',
  папа: 'father',
  father: 'father',
  опекун: 'guardian',
  опекунша: 'guardian',
  'законный представитель': 'guardian',
  guardian: 'guardian',
};

export function lookupWord<T>(map: Record<string, T>, s: string): T | undefined {
  const word = s.toLowerCase().replace(/ё/g, 'е').replace(/\.$/, '');
  return Object.hasOwn(map, word) ? map[word] : undefined;
}
