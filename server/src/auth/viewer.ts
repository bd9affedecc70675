import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { Role } from './role.js';
import { prepared } from '../db/prepared.js';

/** Who is asking, built once per request (or per socket) from the session. */
export interface Viewer {
  sessionId: number;
  accountId: number;
  personId: number;
  schoolId: number;
  login: string;
  roles: ReadonlySet<Role>;
  /** Pupils this person is a guardian of. */
  childIds: readonly number[];
  /** Classes this person leads as class teacher. */
  ledClassIds: readonly number[];
  /** Courses this person teaches. */
  courseIds: readonly number[];
  expiresAt: Date;
  lastSeenAt: Date;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface Row {
  session_id: number;
  school_id: number;
  account_id: number;
  person_id: number;
  login: string;
  expires_at: Date;
  last_seen_at: Date;
  roles: Role[];
  children: number[];
  led: number[];
  courses: number[];
}

/** The session, its account and every set the policy needs; `where` picks the session. */
const viewerSql = (where: string) =>
  `select s.id as session_id, s.school_id, s.expires_at, s.last_seen_at,
            a.id as account_id, a.person_id, a.login,
            array(select g.role::text from role_grant g where g.person_id = a.person_id) as roles,
            array(select gs.pupil_id from guardianship gs where gs.guardian_id = a.person_id order by gs.pupil_id) as children,
            array(select c.id from class_group c where c.class_teacher_id = a.person_id order by c.id) as led,
            array(select co.id from course co where co.teacher_id = a.person_id order by co.id) as courses
       from session s join user_account a on a.id = s.account_id
      where ${where} and s.revoked_at is null and s.expires_at > now() and a.active`;
const BY_TOKEN = viewerSql('s.token_hash = ?');
const BY_SESSION = viewerSql('s.id = ?');

/** One query: the session, its account and every set the policy needs. */
export async function loadViewer(em: EntityManager, token: string): Promise<Viewer | null> {
  return toViewer(await prepared<Row>(em, BY_TOKEN, [hashToken(token)]));
}

/**
 * The same viewer as it is now: an open socket keeps the viewer of its start, so a live
 * subscription reloads it when it opens and when the viewer's rights change (decision 27).
 */
export async function reloadViewer(em: EntityManager, sessionId: number): Promise<Viewer | null> {
  return toViewer(await prepared<Row>(em, BY_SESSION, [sessionId]));
}

const BY_PERSON = `select 0 as session_id, p.school_id, now() as expires_at, now() as last_seen_at,
            a.id as account_id, a.person_id, a.login,
            array(select g.role::text from role_grant g where g.person_id = a.person_id) as roles,
            array(select gs.pupil_id from guardianship gs where gs.guardian_id = a.person_id order by gs.pupil_id) as children,
            array(select c.id from class_group c where c.class_teacher_id = a.person_id order by c.id) as led,
            array(select co.id from course co where co.teacher_id = a.person_id order by co.id) as courses
       from user_account a join person p on p.id = a.person_id
      where a.person_id = ? and a.active`;

/**
 * The viewer a person would be if they signed in now, for work done on their behalf without a
 * session (a scheduled report made under their own row filter): an active account is needed, a
 * person who left (no account, or a closed one) is nobody. `sessionId` is 0.
 */
export async function personViewer(em: EntityManager, personId: number): Promise<Viewer | null> {
  return toViewer(await prepared<Row>(em, BY_PERSON, [personId]));
}

function toViewer(rows: Row[]): Viewer | null {
  const r = rows[0];
  if (!r) return null;
  return {
    sessionId: r.session_id,
    accountId: r.account_id,
    personId: r.person_id,
    schoolId: r.school_id,
    login: r.login,
    roles: new Set(r.roles),
    childIds: r.children,
    ledClassIds: r.led,
    courseIds: r.courses,
    expiresAt: new Date(r.expires_at),
    lastSeenAt: new Date(r.last_seen_at),
  };
}
