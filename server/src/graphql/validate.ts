import { badInput } from '../errors.js';

/** Trims a required text field and checks its length; the error names the field. */
export function requiredText(field: string, value: string, max: number): string {
  const v = value.trim();
  if (!v) throw badInput(field, 'REQUIRED', `${field} is required`);
  if (v.length > max) {
    throw badInput(field, 'TOO_LONG', `${field} is longer than ${max} characters`);
  }
  return v;
}

export function optionalText(
  field: string,
  value: string | null | undefined,
  max: number,
): string | null {
  const v = value?.trim() ?? '';
  if (!v) return null;
  if (v.length > max) {
    throw badInput(field, 'TOO_LONG', `${field} is longer than ${max} characters`);
  }
  return v;
}

export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, 'OUT_OF_RANGE', `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Parses a GraphQL ID into a database id; a malformed id is treated like a missing record. */
export function parseId(field: string, value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw badInput(field, 'INVALID_ID', `${field} is not a valid id`);
  }
  return n;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One formatter per time zone: making one costs far more than using it (~0.1 ms each). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    // Time zones come from school settings (validated): a handful per server.
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}
