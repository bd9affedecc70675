/**
 * A class's pupils and parents and their access codes: paths,
 * the roster's counts and selections, and the server's reasons in the viewer's language.
 */
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { formatInstant } from '../../format';
import type { GraphQLFormattedError } from 'graphql';
import {
  codeMessage,
  describeError,
  ERROR_CODES,
  isTranslatedReason,
  type DescribedError,
  type ErrorCode,
  type ErrorReason,
  type UiMessage,
} from '../../graphql/errors';

/** `/class/7/people`. */
export function rosterPath(classGroupId: string): `/class/${string}/people` {
  return `/class/${encodeURIComponent(classGroupId)}/people`;
}

/** `/class/7/codes`: the register of access codes issued to the class's pupils and parents. */
export function codesPath(classGroupId: string): `/class/${string}/codes` {
  return `/class/${encodeURIComponent(classGroupId)}/codes`;
}

export const GUARDIAN_KINDS = ['mother', 'father', 'guardian'] as const;
export type GuardianKind = (typeof GUARDIAN_KINDS)[number];

export type AccessState = 'ACTIVE' | 'CODE_EXPIRED' | 'CODE_ISSUED' | 'NONE';

/** Someone who cannot sign in and has no code waiting: a code is what they need. */
export function lacksAccess(access: { state: AccessState } | null | undefined): boolean {
  return !!access && (access.state === 'NONE' || access.state === 'CODE_EXPIRED');
}

interface RosterPerson {
  id: string;
  needsConfirmation?: boolean | null;
  access?: { state: AccessState } | null;
}

interface RosterPupil extends RosterPerson {
  consentMissing?: boolean | null;
  guardians?: { person: RosterPerson }[] | null;
}

/** Each parent once, in the order they first appear (a parent may have two children here). */
export function parentsOf<P extends { id: string }>(
  pupils: readonly { guardians?: readonly { person: P }[] | null }[],
): P[] {
  const seen = new Map<string, P>();
  for (const pupil of pupils) {
    for (const link of pupil.guardians ?? []) {
      if (!seen.has(link.person.id)) seen.set(link.person.id, link.person);
    }
  }
  return [...seen.values()];
}

export interface RosterSummary {
  pupils: number;
  parents: number;
  needConfirmation: number;
  consentMissing: number;
  pupilsWithoutAccess: number;
  parentsWithoutAccess: number;
}

/** What the class teacher still has to do: the line above the roster. */
export function rosterSummary(pupils: readonly RosterPupil[]): RosterSummary {
  const parents = parentsOf(pupils);
  return {
    pupils: pupils.length,
    parents: parents.length,
    needConfirmation:
      pupils.filter((p) => p.needsConfirmation).length +
      parents.filter((p) => p.needsConfirmation).length,
    consentMissing: pupils.filter((p) => p.consentMissing).length,
    pupilsWithoutAccess: pupils.filter((p) => lacksAccess(p.access)).length,
    parentsWithoutAccess: parents.filter((p) => lacksAccess(p.access)).length,
  };
}

/** Everyone on the roster (pupils, then parents) who has no access yet: the «all without access» shortcut. */
export function withoutAccess(pupils: readonly RosterPupil[]): string[] {
  return [...pupils, ...parentsOf(pupils)].filter((p) => lacksAccess(p.access)).map((p) => p.id);
}

/**
 * The records to confirm: the chosen people, or everyone when nobody is chosen; a chosen pupil
 * brings their parents along, as their records are checked together.
 */
export function recordsToConfirm(
  pupils: readonly RosterPupil[],
  selected: ReadonlySet<string>,
): string[] {
  const all = selected.size === 0;
  const ids = new Set<string>();
  for (const pupil of pupils) {
    if (all || selected.has(pupil.id)) {
      ids.add(pupil.id);
      for (const link of pupil.guardians ?? []) ids.add(link.person.id);
    }
  }
  if (!all) {
    for (const parent of parentsOf(pupils)) if (selected.has(parent.id)) ids.add(parent.id);
  }
  return [...ids];
}

/** Splits ids into batches the server takes (at most 100 at a time). */
export function batches<T>(items: readonly T[], size = 100): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface CodeEntry {
  id: string;
  personId: string;
  activatedAt?: string | null;
  revokedAt?: string | null;
  expiresAt: string;
}

export type CodeStatus = 'ACTIVATED' | 'REVOKED' | 'REISSUED' | 'EXPIRED' | 'OPEN';

/** Where a code of the register stands now. */
export function codeStatus(
  entry: CodeEntry & { revokedReason?: string | null },
  now = Date.now(),
): CodeStatus {
  if (entry.activatedAt) return 'ACTIVATED';
  if (entry.revokedAt) return entry.revokedReason === 'REISSUED' ? 'REISSUED' : 'REVOKED';
  if (new Date(entry.expiresAt).getTime() <= now) return 'EXPIRED';
  return 'OPEN';
}

// ---------------------------------------------------------------------------------------------
// The server's reasons

/** Reasons of people, imports and codes, translated under `people.reason`. */
export const PEOPLE_REASONS = [
  'INVALID_NAME',
  'INVALID_DATE',
  'DATE_OUT_OF_RANGE',
  'INVALID_SEX',
  'INVALID_KIND',
  'INVALID_PHONE',
  'INVALID_EMAIL',
  'INVALID_REASON',
  'INVALID_FORMAT',
  'INVALID_LANG',
  'INVALID',
  'DUPLICATE_ROW',
  'INCOMPLETE_GUARDIAN',
  'ALREADY_IN_CLASS',
  'ALREADY_LINKED',
  'ALREADY_REVOKED',
  'TOO_MANY',
  'UNKNOWN_COLUMN',
  'UNNAMED_COLUMN',
  'MISSING_COLUMN',
  'DUPLICATE_COLUMN',
  'EMPTY_FILE',
  'UNREADABLE_FILE',
  'TOO_MANY_ROWS',
  'FILE_TOO_LARGE',
  'INVALID_ROWS',
  'NOT_A_GUARDIAN',
  'NOT_CLASS_TEACHER',
  'SAME_CLASS',
  'OUTSIDE_YEAR',
  'CODE_CLOSED',
  'HAS_JOURNAL_ENTRIES',
  'HAS_HISTORY',
  'HAS_ACCOUNT',
] as const satisfies readonly ErrorReason[];

const includes = (list: readonly string[], value: unknown): value is string =>
  typeof value === 'string' && list.includes(value);

/** A reason's dictionary key: ours, the app's common one, or none (then the server's text shows). */
export function reasonKey(reason: unknown): string | undefined {
  if (includes(PEOPLE_REASONS, reason)) return `people.reason.${reason}`;
  if (isTranslatedReason(reason)) return `errors.reason.${reason}`;
  return undefined;
}

export function peopleReason(reason: unknown, text: string): UiMessage {
  const key = reasonKey(reason);
  return key ? { key } : { text };
}

/**
 * The value a problem is about, as the server quotes it («"123" is not a Russian phone number»,
 * «Unknown column "Класс"»), or the row a duplicate repeats; shown after the translated reason.
 */
export function problemDetail(reason: string, message: string): string | undefined {
  if (reason === 'DUPLICATE_ROW') return /\brow (\d+)/.exec(message)?.[1];
  return /"([^"]*)"/.exec(message)?.[1] || undefined;
}

/** An import problem's field: `{ parent: 2, field: 'phone' }` for `parent2.phone`. */
export function problemField(field: string): { parent?: number; field: string } {
  const match = /^parent(\d+)\.(\w+)$/.exec(field);
  return match ? { parent: Number(match[1]), field: match[2] } : { field };
}

function codeOf(error: GraphQLFormattedError): ErrorCode {
  const code = error.extensions?.code;
  return includes(ERROR_CODES, code) ? (code as ErrorCode) : 'INTERNAL_SERVER_ERROR';
}

/**
 * Like `describeError`, but with the reasons of this feature translated too: a field's message
 * next to the field, anything else for the form as a whole.
 */
export function describePeopleError(error: unknown): DescribedError {
  if (!CombinedGraphQLErrors.is(error) || error.errors.length === 0) return describeError(error);
  const described: DescribedError = { code: codeOf(error.errors[0]), fields: {} };
  for (const e of error.errors) {
    const { field, reason } = e.extensions ?? {};
    if (typeof field === 'string' && field !== '' && field !== 'file') {
      described.fields[field] ??= peopleReason(reason, e.message);
    } else {
      const key = reasonKey(reason);
      described.general ??= key ? { key } : codeMessage(codeOf(e));
    }
  }
  return described;
}

/** The wrong rows of a refused import (`extensions.entries`: index is the row number). */
export function importEntries(
  error: unknown,
): { row: number; field: string; reason: string; message: string }[] {
  if (!CombinedGraphQLErrors.is(error)) return [];
  const entries = error.errors[0]?.extensions?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return [];
    const { index, field, reason, message } = entry as Record<string, unknown>;
    if (typeof index !== 'number' || typeof reason !== 'string') return [];
    return [
      {
        row: index,
        field: typeof field === 'string' ? field : '',
        reason,
        message: typeof message === 'string' ? message : reason,
      },
    ];
  });
}

/** The day of a moment ("12 дек. 2026 г."), in the viewer's time zone, styled like `formatDate`. */
export function formatDay(iso: string, locale: string): string {
  return formatInstant(iso, locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "+7 912 555-01-02" for a Russian number as the server keeps it ("+79125550102"). */
export function formatPhone(phone: string): string {
  const match = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return match ? `+7 ${match[1]} ${match[2]}-${match[3]}-${match[4]}` : phone;
}
