import type { ErrorReason } from '../../error-reason.js';
/**
 * A class list as a school keeps it in a spreadsheet: one row per pupil, with up to two parents or
 * guardians. Parsing never throws on bad content: everything wrong is reported, by reason code, on
 * the file or on the row, so the person importing can fix the file and try again.
 */

export interface ImportedPerson {
  lastName: string;
  firstName: string;
  middleName: string | null;
  sex?: 'M' | 'F' | null;
  /** yyyy-mm-dd */
  birthDate?: string | null;
  address?: string | null;
  /** +7XXXXXXXXXX */
  phone: string | null;
  email: string | null;
}

export interface ImportedGuardian extends ImportedPerson {
  kind: 'mother' | 'father' | 'guardian';
}

/**
 * reason: REQUIRED, INVALID_NAME, INVALID_DATE, DATE_OUT_OF_RANGE, INVALID_SEX, INVALID_KIND,
 * INVALID_PHONE, INVALID_EMAIL, TOO_LONG, DUPLICATE_ROW, INCOMPLETE_GUARDIAN.
 * field: `lastName`, `birthDate`, `parent2.phone`…; `row` for DUPLICATE_ROW.
 */
export interface RowProblem {
  field: string;
  reason: ErrorReason;
  message: string;
}

export interface ImportRow {
  /** As the person sees it in the file: the header is row 1. */
  rowNumber: number;
  /** A field with a problem is null (or, for a name, the text as it was typed). */
  pupil: ImportedPerson;
  /** Each parent with any cell filled in, whether or not it is complete. */
  guardians: ImportedGuardian[];
  problems: RowProblem[];
}

/**
 * reason: UNREADABLE_FILE, EMPTY_FILE, UNKNOWN_COLUMN, UNNAMED_COLUMN (values under no header),
 * DUPLICATE_COLUMN, MISSING_COLUMN, TOO_MANY_ROWS. `column` is the header the problem is about, as
 * written in the file (its letter for an unnamed one; for a missing column, as the template writes
 * it).
 */
export interface FileProblem {
  reason: ErrorReason;
  message: string;
  column?: string;
}

export interface ParsedClassList {
  /** Empty when the file cannot be used at all (unreadable, empty, too long, a required column missing). */
  rows: ImportRow[];
  fileProblems: FileProblem[];
}
