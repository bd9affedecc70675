import { badInput } from '../errors.js';

/**
 * Opaque keyset cursors (decision 33): base64url of the sort key and the id of the last row of
 * a page. The key is the database's own text of the sort column (a `timestamptz::text` keeps its
 * microseconds, which a JavaScript `Date` would lose), so the next page's `(key, id) < (…)` is
 * exact.
 */
export function encodeCursor(key: string, id: string | number): string {
  return Buffer.from(JSON.stringify([key, String(id)])).toString('base64url');
}

/** A `timestamptz::text`: the only sort key these cursors carry so far. */
const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/;

/** The key and id of a cursor; `BAD_USER_INPUT` reason `INVALID_CURSOR` on `field` otherwise. */
export function decodeCursor(cursor: string, field = 'after'): { key: string; id: number } {
  const refuse = () => badInput(field, 'INVALID_CURSOR', 'A cursor this list did not give');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !/^\d{1,18}$/.test(parsed[1]) ||
    !TIMESTAMP.test(parsed[0])
  ) {
    throw refuse();
  }
  return { key: parsed[0], id: Number(parsed[1]) };
}

/** The largest page a list answers, whatever `first` asks for. */
export const pageSize = (first: number, max: number) => Math.min(Math.max(first, 1), max);
