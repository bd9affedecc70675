import { describe, expect, it } from 'vitest';
import { fieldError, graphQLErrors as refused } from '../../graphql/errors.fixtures';
import { base64ToBytes, bytesToBase64 } from './files';
import {
  batches,
  codeStatus,
  codesPath,
  describePeopleError,
  formatPhone,
  importEntries,
  parentsOf,
  peopleReason,
  problemDetail,
  problemField,
  recordsToConfirm,
  rosterPath,
  rosterSummary,
  withoutAccess,
  type AccessState,
} from './people';

const person = (id: string, state: AccessState = 'NONE', needsConfirmation = false) => ({
  id,
  needsConfirmation,
  access: { state },
});

// Two pupils sharing a father; one parent can already sign in.
const mother = person('m1', 'ACTIVE');
const father = person('f1', 'CODE_EXPIRED', true);
const other = person('m2', 'CODE_ISSUED');
const pupils = [
  {
    ...person('p1', 'NONE', true),
    consentMissing: true,
    guardians: [{ person: mother }, { person: father }],
  },
  { ...person('p2', 'ACTIVE'), consentMissing: false, guardians: [{ person: father }] },
  { ...person('p3', 'CODE_ISSUED'), consentMissing: false, guardians: [{ person: other }] },
];

describe('paths', () => {
  it('lead to the roster and the register of a class', () => {
    expect(rosterPath('7')).toBe('/class/7/people');
    expect(codesPath('7')).toBe('/class/7/codes');
  });
});

describe('roster', () => {
  it('lists each parent once', () => {
    expect(parentsOf(pupils).map((p) => p.id)).toEqual(['m1', 'f1', 'm2']);
  });

  it('counts what the class teacher still has to do', () => {
    expect(rosterSummary(pupils)).toEqual({
      pupils: 3,
      parents: 3,
      needConfirmation: 2,
      consentMissing: 1,
      pupilsWithoutAccess: 1,
      parentsWithoutAccess: 1,
    });
  });

  it('chooses everyone without access or with an expired code, but not those with a code waiting', () => {
    expect(withoutAccess(pupils)).toEqual(['p1', 'f1']);
  });

  it('confirms the chosen pupils with their parents, or everyone when nobody is chosen', () => {
    expect(recordsToConfirm(pupils, new Set(['p2']))).toEqual(['p2', 'f1']);
    expect(recordsToConfirm(pupils, new Set(['m2']))).toEqual(['m2']);
    expect(recordsToConfirm(pupils, new Set())).toEqual(['p1', 'm1', 'f1', 'p2', 'p3', 'm2']);
  });

  it('sends at most 100 ids at a time', () => {
    const ids = Array.from({ length: 205 }, (_, i) => String(i));
    expect(batches(ids).map((part) => part.length)).toEqual([100, 100, 5]);
    expect(batches([])).toEqual([]);
  });

  it('writes Russian phone numbers in groups', () => {
    expect(formatPhone('+79125550102')).toBe('+7 912 555-01-02');
    expect(formatPhone('+441234')).toBe('+441234');
  });
});

describe('codes', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const entry = (over: Partial<Parameters<typeof codeStatus>[0]> = {}) => ({
    id: '1',
    personId: '5',
    expiresAt: '2026-12-12T12:00:00Z',
    activatedAt: null,
    revokedAt: null,
    revokedReason: null,
    ...over,
  });

  it('tells where a code stands', () => {
    expect(codeStatus(entry(), now)).toBe('OPEN');
    expect(codeStatus(entry({ activatedAt: '2026-11-29T08:00:00Z' }), now)).toBe('ACTIVATED');
    expect(codeStatus(entry({ revokedAt: 'x', revokedReason: 'REVOKED' }), now)).toBe('REVOKED');
    expect(codeStatus(entry({ revokedAt: 'x', revokedReason: 'REISSUED' }), now)).toBe('REISSUED');
    expect(codeStatus(entry({ expiresAt: '2026-11-01T00:00:00Z' }), now)).toBe('EXPIRED');
  });
});

describe('reasons', () => {
  it('translate the feature’s own, the app’s common ones, and fall back to the server’s text', () => {
    expect(peopleReason('INVALID_PHONE', 'x')).toEqual({ key: 'people.reason.INVALID_PHONE' });
    expect(peopleReason('REQUIRED', 'x')).toEqual({ key: 'errors.reason.REQUIRED' });
    expect(peopleReason('SOMETHING_NEW', 'As the server says')).toEqual({
      text: 'As the server says',
    });
  });

  it('put a field’s problem next to the field and the rest above the buttons', () => {
    const described = describePeopleError(
      refused(
        fieldError('phone', 'INVALID_PHONE', 'Enter a phone number'),
        fieldError('file', 'FILE_TOO_LARGE', 'The file is larger than 512 KB'),
      ),
    );
    expect(described.code).toBe('BAD_USER_INPUT');
    expect(described.fields).toEqual({ phone: { key: 'people.reason.INVALID_PHONE' } });
    expect(described.general).toEqual({ key: 'people.reason.FILE_TOO_LARGE' });
  });

  it('fall back to the error code for a general problem without a known reason', () => {
    const described = describePeopleError(
      refused({ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } }),
    );
    expect(described.general).toEqual({ key: 'errors.code.FORBIDDEN' });
  });

  it('name the value or row a problem is about', () => {
    expect(problemDetail('INVALID_KIND', '"тётя" is not мать, отец or опекун')).toBe('тётя');
    expect(problemDetail('UNKNOWN_COLUMN', 'Unknown column "Класс"')).toBe('Класс');
    expect(problemDetail('DUPLICATE_ROW', 'The same pupil is already in row 4')).toBe('4');
    expect(problemDetail('REQUIRED', 'First name is required')).toBeUndefined();
  });

  it('split a parent’s field from its number', () => {
    expect(problemField('parent2.phone')).toEqual({ parent: 2, field: 'phone' });
    expect(problemField('birthDate')).toEqual({ field: 'birthDate' });
  });

  it('read the rows of a refused import', () => {
    const error = refused({
      message: 'Some rows have problems',
      extensions: {
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_ROWS',
        entries: [
          { index: 3, field: 'birthDate', reason: 'INVALID_DATE', message: 'bad' },
          { nonsense: true },
        ],
      },
    });
    expect(importEntries(error)).toEqual([
      { row: 3, field: 'birthDate', reason: 'INVALID_DATE', message: 'bad' },
    ]);
    expect(importEntries(new Error('network'))).toEqual([]);
  });
});

describe('files', () => {
  it('turn Base64 into bytes and back, beyond one slice', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect([...base64ToBytes(text)]).toEqual([...bytes]);
  });
});
