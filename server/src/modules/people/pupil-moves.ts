import type { EntityManager } from '@mikro-orm/postgresql';
import { Enrollment } from './enrollment.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import type { AcademicYear } from '../school/academic-year.entity.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { MovePupilInput } from './people.inputs.js';
import { LeaveReason } from './people.types.js';
import { pgIntArray } from './people.loaders.js';

/**
 * The steps of enrolling a new pupil, of moving a pupil out of a class and of deleting one
 * registered by mistake.
 */

export const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/**
 * The first day of a new pupil in a class of `year`: the date asked for, or else the school's today
 * (the year's first day before the year begins). A pupil who joined mid-year is registered later,
 * so an earlier date within the year is taken, and the journal lets their marks be entered from
 * it; a date outside the year, or after the default (the day they join is registered on that
 * day), is refused.
 */
export function enrolmentStart(
  year: Pick<AcademicYear, 'startsOn' | 'endsOn'>,
  today: string,
  asked: string | null | undefined,
): string {
  const fallback = today < year.startsOn ? year.startsOn : today;
  if (asked == null) return fallback;
  if (asked < year.startsOn || asked > year.endsOn) {
    throw badInput(
      'enrolledFrom',
      'OUTSIDE_YEAR',
      `The date is outside the class's academic year (${year.startsOn} to ${year.endsOn})`,
    );
  }
  if (asked > fallback) {
    throw badInput('enrolledFrom', 'DATE_OUT_OF_RANGE', 'The date is in the future');
  }
  return asked;
}

export function checkLeaveReason(reason: LeaveReason): void {
  if (!Object.values(LeaveReason).includes(reason)) {
    throw badInput('reason', 'INVALID_REASON', 'TRANSFERRED or LEFT_SCHOOL');
  }
}

/** The pupil's enrolment today in a class the viewer leads; the move's date must come after its start. */
export async function currentEnrolment(
  em: EntityManager,
  viewer: Viewer,
  pupilId: number,
  today: string,
  on: string,
): Promise<Enrollment> {
  const current = await em.findOne(Enrollment, {
    pupil: pupilId,
    classGroup: { $in: [...viewer.ledClassIds] },
    startsOn: { $lte: today },
    $or: [{ endsOn: null }, { endsOn: { $gte: today } }],
  });
  if (!current) throw notFound();
  if (on <= current.startsOn) {
    throw badInput('on', 'DATE_OUT_OF_RANGE', 'The date must be after the pupil joined the class');
  }
  return current;
}

/** For a transfer, the school's class the pupil goes to (not the one they are in); else null. */
export async function transferTarget(
  em: EntityManager,
  viewer: Viewer,
  input: MovePupilInput,
  current: Enrollment,
): Promise<ClassGroup | null> {
  if (input.reason !== LeaveReason.TRANSFERRED) return null;
  if (!input.toClassGroupId) throw badInput('toClassGroupId', 'REQUIRED', 'Choose the class');
  const target = await em.findOne(ClassGroup, {
    id: parseId('toClassGroupId', input.toClassGroupId),
    school: viewer.schoolId,
  });
  if (!target) throw badInput('toClassGroupId', 'NOT_FOUND', 'No such class');
  if (target.id === current.classGroup.id) {
    throw badInput('toClassGroupId', 'SAME_CLASS', 'The pupil is already in this class');
  }
  return target;
}

export interface DeletionFacts {
  journal: boolean;
  elsewhere: boolean;
  account: boolean;
  guardians: number[];
}

/**
 * What rests on a pupil's record: journal entries, a class the viewer does not lead, an account
 * used; and the parents who would go with the pupil.
 */
export async function deletionFacts(
  em: EntityManager,
  viewer: Viewer,
  pupilId: number,
): Promise<DeletionFacts> {
  const [facts] = await em.execute<DeletionFacts[]>(
    `with p as (select ?::int as id),
              -- The pupil's and the parents' accounts someone has signed in with (a password
              -- chosen, a code spent).
              used as (select a.person_id from user_account a
                        where a.person_id in (select id from p
                                              union all
                                              select guardian_id from guardianship, p where pupil_id = p.id)
                          and (a.password_hash is not null
                               or exists(select 1 from access_code c
                                          where c.account_id = a.id and c.activated_at is not null)))
         select exists(select 1 from mark where pupil_id = p.id)
                  or exists(select 1 from attendance where pupil_id = p.id)
                  or exists(select 1 from period_mark where pupil_id = p.id) as journal,
                exists(select 1 from enrollment e where e.pupil_id = p.id
                        and e.class_group_id <> all(?::int[])) as elsewhere,
                exists(select 1 from used where used.person_id = p.id) as account,
                -- Parents of this pupil alone, never signed in, with no other role.
                array(select g.guardian_id from guardianship g where g.pupil_id = p.id
                        and not exists(select 1 from guardianship o
                                        where o.guardian_id = g.guardian_id and o.pupil_id <> p.id)
                        and not exists(select 1 from role_grant r
                                        where r.person_id = g.guardian_id and r.role <> 'PARENT')
                        and not exists(select 1 from used where used.person_id = g.guardian_id)) as guardians
           from p`,
    [pupilId, pgIntArray([...viewer.ledClassIds])],
  );
  return facts;
}

/** A record something rests on is moved out instead (movePupil), which keeps the history. */
export function refuseDeletion(facts: DeletionFacts): void {
  if (facts.journal) {
    throw conflict(
      undefined,
      'HAS_JOURNAL_ENTRIES',
      'The pupil has marks or absences in the journal; move the pupil out instead',
    );
  }
  if (facts.elsewhere) {
    throw conflict(
      undefined,
      'HAS_HISTORY',
      'The pupil has been in another class; move the pupil out instead',
    );
  }
  if (facts.account) {
    throw conflict(
      undefined,
      'HAS_ACCOUNT',
      'The pupil has already signed in; move the pupil out instead',
    );
  }
}
