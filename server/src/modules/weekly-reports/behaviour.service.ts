import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { DomainError, unauthenticated } from '../../errors.js';
import { publish } from '../../events/outbox.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { BehaviourNoteInfo, BehaviourNoteInput } from './weekly-report.types.js';

export const NOTE_MAX = 1000;
export const BEHAVIOUR_NOTE_ADDED = 'BEHAVIOUR_NOTE_ADDED';

const notFound = (field: string) =>
  new DomainError('NOT_FOUND', 'Not found or not allowed', { field, reason: 'NOT_FOUND' });

/**
 * Facts about a pupil for the viewer, one statement: the classes the pupil is in today, whether
 * the viewer teaches the pupil today (a course of the pupil's class, subgroups respected, or the
 * class they lead).
 */
const PUPIL_FACTS = `
with en as (select en.class_group_id from enrollment en
             where en.pupil_id = ? and en.school_id = ? and en.starts_on <= ?::date
               and (en.ends_on is null or en.ends_on >= ?::date))
select array(select class_group_id from en) as classes,
       exists (select 1 from en join course co on co.class_group_id = en.class_group_id
                where co.teacher_id = ? and (co.subgroup_id is null or exists (
                  select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id
                     and sm.pupil_id = ?)))
       or exists (select 1 from en join class_group cg on cg.id = en.class_group_id
                   where cg.class_teacher_id = ?) as teaches`;

async function pupilFacts(em: EntityManager, viewer: Viewer, pupilId: number, today: string) {
  const [row] = await em.execute<{ classes: number[]; teaches: boolean }[]>(PUPIL_FACTS, [
    pupilId,
    viewer.schoolId,
    today,
    today,
    viewer.personId,
    pupilId,
    viewer.personId,
  ]);
  return row;
}

const NOTES = `
select n.id::text, n.pupil_id::text as "pupilId", n.kind, n.text, n.date::text, s.name as subject,
       au.last_name || ' ' || au.first_name || coalesce(' ' || au.middle_name, '') as "authorName"
  from behaviour_note n join person au on au.id = n.author_id
  left join lesson l on l.id = n.lesson_id left join course co on co.id = l.course_id
  left join subject s on s.id = co.subject_id
 where n.pupil_id = ? and n.school_id = ? and (?::int is null or n.author_id = ?)`;

/** Behaviour notes (praise or remark) about a pupil, the weekly report's third part. */
export class BehaviourService {
  /** The pupil's teachers write; with a lesson, one of their own (or substituted) lessons. */
  async add(
    { em, viewer }: Scope,
    today: string,
    input: BehaviourNoteInput,
  ): Promise<BehaviourNoteInfo> {
    policy.require(viewer, Permission.BehaviourNoteWrite);
    const pupilId = parseId('pupilId', input.pupilId);
    const text = requiredText('text', input.text, NOTE_MAX);
    const facts = await pupilFacts(em, viewer, pupilId, today);
    if (!facts.teaches) throw notFound('pupilId');
    const date =
      input.lessonId == null ? today : await lessonDate(em, viewer, pupilId, input.lessonId);
    const id = await em.transactional(async (tem) => {
      const [row] = await tem.execute<{ id: number }[]>(
        `insert into behaviour_note (school_id, pupil_id, author_id, kind, text, lesson_id, date)
         values (?, ?, ?, ?, ?, ?, ?) returning id`,
        [viewer.schoolId, pupilId, viewer.personId, input.kind, text, input.lessonId ?? null, date],
      );
      await publish(tem, viewer.schoolId, [
        {
          type: BEHAVIOUR_NOTE_ADDED,
          pupilIds: [pupilId],
          payload: { noteId: String(row.id), pupilId: String(pupilId), kind: input.kind, date },
        },
      ]);
      return row.id;
    });
    const [note] = await em.execute<BehaviourNoteInfo[]>(`${NOTES} and n.id = ?`, [
      pupilId,
      viewer.schoolId,
      null,
      null,
      id,
    ]);
    return note;
  }

  /**
   * The pupil's notes: all of them for the pupil, their parents, their class teacher and the
   * administration; a teacher of the pupil sees the notes they wrote; anyone else NOT_FOUND.
   */
  async list(
    { em, viewer }: Scope,
    today: string,
    pupilIdIn: string,
  ): Promise<BehaviourNoteInfo[]> {
    if (!viewer) throw unauthenticated();
    const pupilId = parseId('pupilId', pupilIdIn);
    const facts = await pupilFacts(em, viewer, pupilId, today);
    const all = policy.canReadBehaviourNotes(viewer, { id: pupilId, classIds: facts.classes });
    const own = !all && facts.teaches && policy.can(viewer, Permission.BehaviourNoteWrite);
    if (!all && !own) throw notFound('pupilId');
    const author = own ? viewer.personId : null;
    return em.execute<BehaviourNoteInfo[]>(`${NOTES} order by n.date desc, n.id desc limit 200`, [
      pupilId,
      viewer.schoolId,
      author,
      author,
    ]);
  }
}

/** The date of a lesson the viewer writes in, with the pupil on its course's class; else NOT_FOUND. */
async function lessonDate(
  em: EntityManager,
  viewer: Viewer,
  pupilId: number,
  lessonIdIn: string,
): Promise<string> {
  const lessonId = parseId('lessonId', lessonIdIn);
  const [row] = await em.execute<{ date: string }[]>(
    `select l.date::text from lesson l join course co on co.id = l.course_id
      where l.id = ? and l.school_id = ? and (co.teacher_id = ? or l.substitute_id = ?)
        and exists (select 1 from enrollment en where en.pupil_id = ?
              and en.class_group_id = co.class_group_id and en.starts_on <= l.date
              and (en.ends_on is null or en.ends_on >= l.date))`,
    [lessonId, viewer.schoolId, viewer.personId, viewer.personId, pupilId],
  );
  if (!row) throw notFound('lessonId');
  return row.date;
}
