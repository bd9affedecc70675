import { badInput } from '../errors.js';

// The time-zone helpers live beside the Clock; validation re-exports them for its callers.
export { isValidTimeZone, todayIn } from '../time.js';

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

/** The largest PostgreSQL int4 (`serial`), which every record id is. */
export const MAX_ID = 2147483647;
const DIGITS = /^[0-9]+$/;

/**
 * A record id: digits only (no sign, exponent, point or spaces), from 1 to int4's largest. Checked
 * as text, so that "1e3", "0x1" or "1.0", which `Number` would accept, are not.
 */
export function isId(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= MAX_ID;
  if (typeof value !== 'string' || !DIGITS.test(value)) return false;
  const n = Number(value);
  return n >= 1 && n <= MAX_ID;
}

const MAX_EVENT_ID = 2n ** 63n - 1n;

/** A live event's id: the events table counts with a bigint sequence, so the range is int8's. */
export function isEventId(value: unknown): boolean {
  if (typeof value !== 'string' || !DIGITS.test(value)) return false;
  const n = BigInt(value);
  return n >= 1n && n <= MAX_EVENT_ID;
}

/** Parses a live event's id (`after`); a bigint, as the events table stores it. */
export function parseEventId(field: string, value: string): bigint {
  if (!isEventId(value)) throw badInput(field, 'INVALID_ID', `${field} is not a valid id`);
  return BigInt(value);
}

/**
 * Parses a GraphQL ID into a database id. Arguments arrive already checked (graphql/guard.ts);
 * this guards ids that come from elsewhere, such as a subscription's fast path.
 */
export function parseId(field: string, value: string | number): number {
  if (!isId(value)) throw badInput(field, 'INVALID_ID', `${field} is not a valid id`);
  return Number(value);
}
