import type { ErrorReason } from '../../error-reason.js';
import { text, type Cell } from './cells.js';
import {
  ADDRESS_MAX,
  EMAIL_MAX,
  GUARDIAN_FIELDS,
  MAX_AGE,
  MIN_AGE,
  NAME_MAX,
  type ColumnKey,
  type GuardianField,
} from './columns.js';
import type { ImportedGuardian, ImportedPerson, ImportRow, RowProblem } from './types.js';
import {
  age,
  isEmail,
  KIND,
  lookupWord,
  NAME,
  normalizePhone,
  parseDate,
  SEX,
} from './validate.js';

/** One row of the file read into a pupil and their parents, with a problem noted per bad cell. */
class RowReader {
  readonly problems: RowProblem[] = [];

  constructor(
    private readonly get: (key: ColumnKey) => Cell,
    private readonly today: string,
  ) {}

  private problem(field: string, reason: ErrorReason, message: string) {
    this.problems.push({ field, reason, message });
  }

  text(key: ColumnKey): string {
    return text(this.get(key));
  }

  name(key: ColumnKey, label: string, required: boolean): string | null {
    const v = this.text(key);
    if (!v) {
      if (required) this.problem(key, 'REQUIRED', `${label} is required`);
      return null;
    }
    if (v.length > NAME_MAX) {
      this.problem(key, 'TOO_LONG', `${label} is longer than ${NAME_MAX} characters`);
    } else if (!NAME.test(v)) {
      this.problem(
        key,
        'INVALID_NAME',
        `${label} may contain only letters, hyphens, spaces and apostrophes`,
      );
    }
    return v;
  }

  sex(key: ColumnKey): 'M' | 'F' | null {
    const v = this.text(key);
    if (!v) return null;
    const sex = lookupWord(SEX, v);
    if (!sex) this.problem(key, 'INVALID_SEX', `Sex "${v}" is not М/Ж (M/F)`);
    return sex ?? null;
  }

  birthDate(key: ColumnKey): string | null {
    const cell = this.get(key);
    const v = text(cell);
    if (!v) return null;
    const date = parseDate(cell);
    if (!date) {
      this.problem(key, 'INVALID_DATE', `"${v}" is not a date like 31.12.2015 or 2015-12-31`);
      return null;
    }
    const years = age(date, this.today);
    if (years < MIN_AGE || years > MAX_AGE) {
      this.problem(
        key,
        'DATE_OUT_OF_RANGE',
        date > this.today
          ? `The birth date ${date} is in the future`
          : `Born ${date}, the pupil would be ${years} years old; expected ${MIN_AGE} to ${MAX_AGE}`,
      );
      return null;
    }
    return date;
  }

  address(key: ColumnKey): string | null {
    const v = this.text(key);
    if (!v) return null;
    if (v.length > ADDRESS_MAX) {
      this.problem(key, 'TOO_LONG', `The address is longer than ${ADDRESS_MAX} characters`);
      return null;
    }
    return v;
  }

  phone(key: ColumnKey): string | null {
    const v = this.text(key);
    if (!v) return null;
    const phone = normalizePhone(v);
    if (!phone) {
      this.problem(key, 'INVALID_PHONE', `"${v}" is not a Russian phone number`);
    }
    return phone;
  }

  email(key: ColumnKey): string | null {
    const v = this.text(key);
    if (!v) return null;
    if (v.length > EMAIL_MAX) {
      this.problem(key, 'TOO_LONG', `The e-mail is longer than ${EMAIL_MAX} characters`);
      return null;
    }
    if (!isEmail(v)) {
      this.problem(key, 'INVALID_EMAIL', `"${v}" is not an e-mail address`);
      return null;
    }
    return v;
  }

  pupil(): ImportedPerson {
    return {
      lastName: this.name('lastName', 'Last name', true) ?? '',
      firstName: this.name('firstName', 'First name', true) ?? '',
      middleName: this.name('middleName', 'Middle name', false),
      sex: this.sex('sex'),
      birthDate: this.birthDate('birthDate'),
      address: this.address('address'),
      phone: this.phone('phone'),
      email: this.email('email'),
    };
  }

  guardian(n: 1 | 2): ImportedGuardian | null {
    const key = (f: GuardianField) => `parent${n}.${f}` as const;
    if (GUARDIAN_FIELDS.every(({ field }) => this.text(key(field)) === '')) return null;
    const label = `Parent ${n}`;
    this.requireGuardianCells(n);
    const kind = this.kind(key('kind'));
    return {
      kind: kind ?? 'guardian',
      lastName: this.name(key('lastName'), `${label}'s last name`, false) ?? '',
      firstName: this.name(key('firstName'), `${label}'s first name`, false) ?? '',
      middleName: this.name(key('middleName'), `${label}'s middle name`, false),
      sex: kind === 'mother' ? 'F' : kind === 'father' ? 'M' : null,
      birthDate: null,
      address: null,
      phone: this.phone(key('phone')),
      email: this.email(key('email')),
    };
  }

  /** A parent with any cell filled in needs the names and the relationship. */
  private requireGuardianCells(n: 1 | 2) {
    for (const [field, what] of [
      ['lastName', 'last name'],
      ['firstName', 'first name'],
      ['kind', 'relationship (mother, father or guardian)'],
    ] as const) {
      const key = `parent${n}.${field}` as const;
      if (!this.text(key)) {
        this.problem(
          key,
          'INCOMPLETE_GUARDIAN',
          `Parent ${n} is filled in partly: the ${what} is required`,
        );
      }
    }
  }

  private kind(key: ColumnKey): ImportedGuardian['kind'] | undefined {
    const kindText = this.text(key);
    const kind = kindText ? lookupWord(KIND, kindText) : undefined;
    if (kindText && !kind) {
      this.problem(
        key,
        'INVALID_KIND',
        `"${kindText}" is not мать, отец or опекун (mother, father, guardian)`,
      );
    }
    return kind;
  }
}

const pupilKey = (p: ImportedPerson) =>
  [p.lastName, p.firstName, p.middleName ?? '', p.birthDate ?? '']
    .map((s) => s.toLowerCase().replace(/ё/g, 'е'))
    .join('\u0000');

export interface DataRow {
  cells: Cell[];
  rowNumber: number;
}

/**
 * Reads every data row through the columns found in the header; the same pupil (full name and
 * birth date) a second time is a DUPLICATE_ROW that names the first.
 */
export function readRows(
  dataRows: DataRow[],
  columnOf: Map<ColumnKey, number>,
  today: string,
): ImportRow[] {
  const seen = new Map<string, number>();
  return dataRows.map(({ cells, rowNumber }): ImportRow => {
    const reader = new RowReader((key) => {
      const i = columnOf.get(key);
      return i === undefined ? null : (cells[i] ?? null);
    }, today);
    const pupil = reader.pupil();
    const guardians = ([1, 2] as const)
      .map((n) => reader.guardian(n))
      .filter((g): g is ImportedGuardian => g !== null);
    if (pupil.lastName && pupil.firstName) {
      const key = pupilKey(pupil);
      const first = seen.get(key);
      if (first !== undefined) {
        reader.problems.push({
          field: 'row',
          reason: 'DUPLICATE_ROW',
          message: `The same pupil is already in row ${first}`,
        });
      } else {
        seen.set(key, rowNumber);
      }
    }
    return { rowNumber, pupil, guardians, problems: reader.problems };
  });
}
