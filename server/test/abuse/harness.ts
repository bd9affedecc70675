import { expect } from 'vitest';
import { getNamedType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { buildAppSchema } from '../../src/graphql/schema.js';
import { generateSchool } from '../../src/seed/generate.js';
import { fillJournal } from '../../src/seed/journal.js';
import { hashPassword } from '../../src/auth/password.js';
import { createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from '../helpers.js';
import {
  baseVariables,
  buildValue,
  GUARDED_TABLES,
  kindOf,
  plausible,
  rootOps,
  sampleIds,
  slots,
  withValue,
  type IdKind,
  type Leaf,
  type RootOp,
  type Slot,
} from '../schema-ops.js';

/**
 * The hostile-input suite's common parts: a demo school and a small second one, a client per
 * role, the values an attacker sends instead of what the forms send, and the judge every answer
 * goes through. Run with `npm run test:abuse`.
 */
export interface Abuse {
  t: TestApp;
  ops: RootOp[];
  own: Record<IdKind, string>;
  other: Record<IdKind, string>;
  client(role: string): Promise<GqlClient>;
  /** Every request's answer code, and what was wrong with any. */
  counts: Map<string, number>;
  findings: string[];
  /** Operations whose plausible document answered data: the hostile ones reached a service. */
  reached: Set<string>;
  /** Operations sent a plausible document. */
  tried: Set<string>;
  /** Findings already reported by a test, for the summary. */
  reported: string[];
  sent: number;
}

/** The findings since the last call, for one test's assertion. */
export const take = (a: Abuse): string[] => {
  const now = a.findings.splice(0);
  a.reported.push(...now);
  return now;
};

export async function openAbuse(): Promise<Abuse> {
  const t = await createTestApp({
    env: {
      LOGIN_MAX_FAILURES: '100000',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
      ACCESS_CODES_PER_HOUR: '100000',
    },
  });
  const passwordHash = await hashPassword('demo');
  await t.orm.em.fork().transactional(async (tem) => {
    const g = await generateSchool(tem, {
      seed: 31,
      schoolName: 'Чужая школа',
      startYear: 2026,
      grades: [7],
      letters: ['А'],
      pupilsPerClass: [3, 3],
      passwordHash,
      loginPrefix: 'b.',
    });
    await tem.flush();
    await fillJournal(tem, g, { seed: 32, today: DEMO_TODAY, closeFirstPeriod: false });
  });
  const schoolOf = async (login: string) =>
    (
      await t.sql<{ id: number }>(`select school_id id from user_account where login = ?`, [login])
    )[0].id;
  const clients = new Map<string, GqlClient>();
  return {
    t,
    ops: rootOps(await buildAppSchema()),
    own: await sampleIds(t, await schoolOf('sysadmin')),
    other: await sampleIds(t, await schoolOf('b.sysadmin')),
    async client(role) {
      if (role === 'anon') return t.client();
      let c = clients.get(role);
      if (!c) {
        c = await t.as(role);
        clients.set(role, c);
      }
      return c;
    },
    counts: new Map(),
    findings: [],
    reported: [],
    reached: new Set(),
    tried: new Set(),
    sent: 0,
  };
}

/** Who sends each operation: one the policy lets through, so the input reaches the service. */
const ROLE_OF: Record<string, string> = {
  me: 'anon',
  login: 'anon',
  logout: 'anon',
  activateAccount: 'anon',
  passwordStrength: 'anon',
  changePassword: 'parent',
  endOtherSessions: 'pupil',
  endSession: 'parent',
  mySessions: 'parent',
  myDataExport: 'parent',
  diaryWeek: 'parent',
  diaryPeriod: 'parent',
  diaryYear: 'parent',
  diaryEvents: 'parent',
  notifications: 'parent',
  journalPage: 'teacher',
  journalEvents: 'teacher',
  markHistory: 'teacher',
  setMarks: 'teacher',
  setAttendance: 'teacher',
  setPeriodMark: 'teacher',
  updateLesson: 'teacher',
  createLesson: 'teacher',
  classSummary: 'classteacher',
  classRoster: 'classteacher',
  person: 'classteacher',
  registerPupil: 'classteacher',
  addGuardian: 'classteacher',
  removeGuardian: 'classteacher',
  updatePersonRecord: 'classteacher',
  confirmPersonRecords: 'classteacher',
  movePupil: 'classteacher',
  createConsent: 'classteacher',
  revokeConsent: 'classteacher',
  importClassList: 'classteacher',
  previewClassImport: 'classteacher',
  deletePupil: 'classteacher',
  issueAccessCodes: 'classteacher',
  accessCodeRegister: 'classteacher',
  accessCodeRegisterPdf: 'classteacher',
  personalDataAccessLog: 'director',
  lockPeriod: 'deputy',
  unlockPeriod: 'deputy',
  setSubstitute: 'deputy',
};
export const roleOf = (op: string) => ROLE_OF[op] ?? 'sysadmin';

/**
 * Operations whose success with a real id would end sessions, take roles or move the demo pupil:
 * their ids are an unknown record, so only the hostile value can make anything happen.
 */
const DESTRUCTIVE = new Set([
  'resetStaffPassword',
  'updateStaff',
  'issueAccessCodes',
  'revokeAccessCode',
  'endSession',
  'deletePupil',
  'movePupil',
  'removeGuardian',
  'deleteClassGroup',
  'deleteAcademicYear',
  'deleteCourse',
  'deleteSubject',
  'deleteStudyPeriod',
  'lockPeriod',
]);

export function leafFor(a: Abuse, op: string): Leaf {
  return (name, typeName, path) => {
    if (typeName !== 'ID') return plausible(name, typeName);
    const kind = kindOf(op, { path, name } as Slot);
    return kind && !DESTRUCTIVE.has(op) ? a.own[kind] : '2147483647';
  };
}

const BIG = 'я'.repeat(500_000); // 1 MB in UTF-8, just under the body limit
const TEXT = [
  '',
  '   ',
  '\u0000',
  '\u0007\u001b[31m\u007f',
  '\uD800',
  '\u202E\u200B',
  BIG,
  42,
  true,
  {},
];
const IDS = [
  '',
  ' ',
  'abc',
  '-1',
  '0',
  '1.5',
  '1e309',
  '99999999999999999999999',
  '2147483647',
  '2147483648',
  '\u0000',
  7,
  true,
  {},
];
const INTS = [-1, 0, -2147483648, 2147483647, 2147483648, 1e20, 1.5, '1', true];
const FLOATS = [-1, 0, 1e308, -1e308, 5e-324, '1', true];
const BOOLS = ['true', 0];
const DATES = [
  '',
  '0000-01-01',
  '0001-01-01',
  '1899-12-31',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01',
  '+275760-09-13',
  'today',
  '2026-11-28T25:00',
  20261128,
];
const DATETIMES = ['', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'now', 0, '2026-11-28'];
const ENUMS = ['NOPE', '', 'quarter', 1];

/** The hostile values for a scalar or enum slot, by its type (and its kind, for ids). */
function hostileScalars(a: Abuse, op: string, slot: Slot): unknown[] {
  const named = getNamedType(slot.type).name;
  const values: Record<string, unknown[]> = {
    String: TEXT,
    Int: INTS,
    Float: FLOATS,
    Boolean: BOOLS,
    LocalDate: DATES,
    DateTimeISO: DATETIMES,
  };
  if (named === 'ID') {
    const kind = kindOf(op, slot);
    // Another school's record of the same kind, and a record of the wrong kind.
    const extra = kind ? [a.other[kind], kind === 'lesson' ? a.own.mark : a.own.lesson] : [];
    return [...IDS, ...extra];
  }
  return values[named] ?? ENUMS;
}

export interface Doc {
  op: RootOp;
  label: string;
  variables: Record<string, unknown>;
}

/**
 * The documents sent to one operation: its plausible variables once, then every slot in turn
 * null, each hostile value, and for lists and input objects their structural abuses.
 */
export function documentsFor(a: Abuse, op: RootOp): Doc[] {
  const leaf = leafFor(a, op.name);
  const base = baseVariables(op.field, leaf);
  const docs: Doc[] = [{ op, label: 'plausible', variables: base }];
  const put = (slot: Slot, label: string, value: unknown) =>
    docs.push({
      op,
      label: `${slot.path.join('.')}=${label}`,
      variables: withValue(op.field, base, slot.path, value, leaf),
    });
  for (const slot of slots(op.field)) {
    const bare = isNonNullType(slot.type) ? slot.type.ofType : slot.type;
    const named = getNamedType(slot.type);
    put(slot, 'null', null);
    if (isListType(bare)) {
      put(slot, '[]', []);
      const item = buildValue(bare.ofType, slot.path, leaf);
      put(
        slot,
        '2000 items',
        Array.from({ length: 2000 }, () => item),
      );
    }
    if (isInputObjectType(named)) {
      put(slot, '{}', isListType(bare) ? [{}] : {});
      put(slot, 'string', 'x');
      continue;
    }
    for (const v of hostileScalars(a, op.name, slot)) {
      const label =
        typeof v === 'string' && v.length > 40 ? `${v.length} chars` : JSON.stringify(v);
      put(slot, label, isListType(bare) ? [v] : v);
    }
  }
  return docs;
}

/** What an answer must never show: a stack, a source or install path, SQL or a driver error. */
const LEAKS =
  /\n\s+at |stacktrace|\.[jt]s:\d+|\/work\/|\/home\/|\/root\/|node_modules|\b(select|insert|update|delete)\b[^"]{0,60}\b(from|into|set|where)\b|violates|duplicate key|syntax error at or near|relation "|column "|MikroORM|DriverException|pg_/i;

/** Checks one answer and counts its code; anything wrong becomes a finding naming the request. */
export function judge(a: Abuse, where: string, status: number, body: unknown, raw: string): void {
  a.sent++;
  const errors = (body as { errors?: { extensions?: { code?: unknown } }[] } | null)?.errors;
  const code =
    status >= 400 && !errors ? `HTTP ${status}` : String(errors?.[0]?.extensions?.code ?? 'OK');
  a.counts.set(code, (a.counts.get(code) ?? 0) + 1);
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  if (errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
    problems.push('INTERNAL_SERVER_ERROR');
  }
  if (errors?.some((e) => typeof e.extensions?.code !== 'string')) {
    problems.push('an error without a code');
  }
  if (LEAKS.test(raw)) problems.push(`internals shown: ${raw.match(LEAKS)?.[0]}`);
  if (problems.length) a.findings.push(`${where}: ${problems.join(', ')} — ${raw.slice(0, 240)}`);
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

/** Sends a document as the operation's role and judges the answer. */
export async function sendDoc(a: Abuse, doc: Doc, document: string): Promise<{ refused: boolean }> {
  const c = await a.client(roleOf(doc.op.name));
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: c.origin };
  if (c.cookie) headers.cookie = c.cookie;
  const res = await fetch(c.url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: document, variables: doc.variables }),
  });
  const raw = await res.text();
  const body = parseJson(raw) as {
    data?: Record<string, unknown> | null;
    errors?: unknown[];
  } | null;
  if (!body) {
    a.findings.push(`${doc.op.name}(${doc.label}): not JSON (${res.status}) ${raw.slice(0, 120)}`);
  }
  judge(a, `${doc.op.name}(${doc.label}) as ${roleOf(doc.op.name)}`, res.status, body, raw);
  const refused = !!body?.errors?.length && !body.data?.[doc.op.name];
  if (doc.label === 'plausible') {
    a.tried.add(doc.op.name);
    if (!refused) a.reached.add(doc.op.name);
  }
  return { refused };
}

/** The server still answers: its health check, and a signed-in request (signing in again if needed). */
export async function stillAnswers(a: Abuse, role: string): Promise<void> {
  const health = await fetch(a.t.url.replace('/graphql', '/healthz'));
  expect(health.status).toBe(200);
  const c = await a.client(role);
  const r = await c.request<{ me: { login: string } | null }>('{me{login}}');
  expect(r.status).toBe(200);
  if (role !== 'anon' && r.data?.me?.login !== role) {
    a.findings.push(`after the ${role} group the ${role} session had ended`);
    await c.login(role, 'demo');
  }
}

/** Row counts and contents of the tables a refused request must not change. */
export async function checksum(a: Abuse): Promise<string> {
  // Rows counted and their newest writing transaction: an insert, update or delete changes one.
  // Cheap enough to run after every mutation; reading whole rows was not.
  const parts = GUARDED_TABLES.map(
    (table) =>
      `'${table}=' || (select count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from ${table})`,
  );
  const [row] = await a.t.sql<{ c: string }>(`select concat_ws(',', ${parts.join(', ')}) c`);
  return row.c;
}

/** The tables whose part of two checksums differs. */
export const changed = (before: string, after: string) => {
  const old = new Set(before.split(','));
  return after
    .split(',')
    .filter((p) => !old.has(p))
    .map((p) => p.split('=')[0])
    .join(', ');
};

export function summary(a: Abuse, name: string): string {
  const byCode = [...a.counts.entries()].sort((x, y) => y[1] - x[1]);
  return `abuse ${name}: ${a.sent} documents sent; answers by code: ${byCode
    .map(([c, n]) => `${c} ${n}`)
    .join(', ')}; findings: ${a.reported.length + a.findings.length}${
    a.tried.size
      ? `; plausible documents answered data for ${a.reached.size} of ${a.tried.size} operations`
      : ''
  }`;
}
