import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../../db/prepared.js';
import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, notFound } from '../../errors.js';
import { optionalText, parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { auditAndPublish } from '../audit/audit.js';
import { claimUploads } from '../messaging/attachments.js';
import type { SetRemoteWorkInput } from './cancelled-days.inputs.js';
import {
  readClassTable,
  readCompletion,
  readOwed,
  readPupilDay,
  readRemoteLessonIds,
  readRemoteLesson,
  readTeacherDay,
  type RemoteLessonRow,
} from './cancelled-days.queries.js';
import type {
  OwedTask,
  RemoteAttachment,
  RemoteClassTable,
  RemoteLesson,
  RemoteTask,
} from './cancelled-days.types.js';

/** Posted material and tasks, and a family's tick on a task: the live events of this service. */
export const REMOTE_WORK_POSTED = 'REMOTE_WORK_POSTED';
export const REMOTE_TASK_CHECKED = 'REMOTE_TASK_CHECKED';

const MAX_TASKS = 20;
const MAX_LINKS = 20;
const MAX_FILES = 10;
/** A journal page's lessons (a term of a course) fit. */
const MAX_LESSON_IDS = 500;
/** Files of a pupil's work on one task. */
const MAX_WORK_FILES = 5;
/** The class table's span: two school weeks of cancelled days. */
const MAX_SPAN_DAYS = 14;
/** The owed list is a to-do list, not an archive. */
const MAX_OWED = 100;

/** The course's teacher or the lesson's substitute writes (the journal's rule, in SQL facts). */
const writes = (viewer: Viewer, row: RemoteLessonRow) =>
  policy.can(viewer, Permission.JournalWrite) &&
  (row.teacherId === viewer.personId || row.substituteId === viewer.personId);

/** Who sees the completion table: the writer, the class teacher, the administration. */
const overseesClass = (viewer: Viewer, row: RemoteLessonRow) =>
  writes(viewer, row) ||
  viewer.ledClassIds.includes(row.classGroupId) ||
  policy.can(viewer, Permission.JournalReadAll);

const lessonDto = (
  row: RemoteLessonRow,
  canWrite: boolean,
  completion: RemoteLesson['completion'],
): RemoteLesson => ({
  lessonId: row.lessonId,
  courseId: row.courseId,
  date: row.date,
  number: row.number,
  subjectName: row.subjectName,
  className: row.className,
  topic: row.topic,
  homework: row.homework,
  material: row.material,
  links: row.links,
  attachments: row.attachments,
  tasks: row.tasks,
  canWrite,
  completion,
});

/**
 * Remote study on a cancelled day: each teacher posts a lesson's material and
 * self-study tasks; pupils and parents see them in the day view and tick each task as done; the
 * teacher (and the class teacher) see who has.
 */
export class RemoteWorkService {
  /** One remote lesson, with its completion table for those who oversee it. */
  async lesson({ em, viewer }: Scope, lessonIdArg: string): Promise<RemoteLesson> {
    policy.require(viewer, Permission.SchoolRead);
    const row = await readRemoteLesson(em, viewer.schoolId, parseId('lessonId', lessonIdArg));
    if (!row || !overseesClass(viewer, row)) throw notFound();
    return lessonDto(row, writes(viewer, row), await readCompletion(em, Number(row.lessonId)));
  }

  /** A pupil's remote lessons of a day, for the pupil, the parents and staff who read the diary. */
  async pupilDay({ em, viewer }: Scope, pupilIdArg: string, date: string): Promise<RemoteLesson[]> {
    policy.require(viewer, Permission.SchoolRead);
    const pupilId = parseId('pupilId', pupilIdArg);
    const rows = await readPupilDay(em, viewer.schoolId, pupilId, date);
    const family = policy.isSelfOrGuardian(viewer, pupilId);
    if (!family && !policy.can(viewer, Permission.JournalReadAll)) {
      const led = rows.some((r) => viewer.ledClassIds.includes(r.classGroupId));
      if (!led) throw notFound();
    }
    return rows.map((r) => lessonDto(r, false, []));
  }

  /** Which of these lessons are remote, of those the viewer reads (the journal's, the diary's mark). */
  async remoteLessonIds({ em, viewer }: Scope, lessonIdArgs: string[]): Promise<string[]> {
    policy.require(viewer, Permission.SchoolRead);
    if (lessonIdArgs.length > MAX_LESSON_IDS) {
      throw badInput('lessonIds', 'TOO_MANY', `At most ${MAX_LESSON_IDS} lessons`);
    }
    const ids = lessonIdArgs.map((id, i) => parseId(`lessonIds.${i}`, id));
    if (ids.length === 0) return [];
    const all = policy.can(viewer, Permission.JournalReadAll);
    return readRemoteLessonIds(em, viewer.schoolId, ids, viewer.personId, all);
  }

  /** The teacher's remote lessons of a day: where to post material. */
  async teacherDay({ em, viewer }: Scope, date: string): Promise<RemoteLesson[]> {
    policy.require(viewer, Permission.JournalWrite);
    const rows = await readTeacherDay(em, viewer.schoolId, viewer.personId, date);
    return rows.map((r) => lessonDto(r, true, []));
  }

  /** Replaces a remote lesson's material and tasks; tasks left out are deleted with their ticks. */
  async setWork({ em, viewer }: Scope, input: SetRemoteWorkInput): Promise<RemoteLesson> {
    policy.require(viewer, Permission.JournalWrite);
    const lessonId = parseId('lessonId', input.lessonId);
    const material = optionalText('material', input.material, 10_000) ?? '';
    const links = checkLinks(input.links);
    const files = checkAttachmentIds(input.attachmentIds);
    return em.transactional(async (tem) => {
      const row = await readRemoteLesson(tem, viewer.schoolId, lessonId);
      if (!row || !writes(viewer, row)) {
        if (row && overseesClass(viewer, row)) throw notFound();
        const plain = await isOwnLesson(tem, viewer, lessonId);
        if (plain) {
          throw badInput('lessonId', 'NOT_REMOTE_LESSON', 'The lesson is not on a cancelled day');
        }
        throw notFound();
      }
      const tasks = checkTasks(input, row);
      await writeWork(tem, viewer, row, material, links, tasks);
      await replaceFiles(tem, viewer, MATERIAL_FILES, lessonId, files);
      await auditAndPublish(
        tem,
        viewer,
        [
          {
            entity: 'remote_material',
            entityId: lessonId,
            action: 'update',
            before: null,
            after: { material, links, tasks, attachmentIds: files },
          },
        ],
        [
          {
            type: REMOTE_WORK_POSTED,
            pupilsOfLesson: lessonId,
            courseId: Number(row.courseId),
            payload: { lessonId: String(lessonId), date: row.date },
          },
        ],
      );
      const now = (await readRemoteLesson(tem, viewer.schoolId, lessonId))!;
      return lessonDto(now, true, await readCompletion(tem, lessonId));
    });
  }

  /**
   * A pupil or a parent ticks (or unticks) a task as read and done for the pupil,
   * optionally attaching the work: `attachmentIds` (when given) become the tick's files, the
   * tick's own kept, the viewer's uploads claimed all or none (decision 62). Unticking deletes the
   * tick's files with it.
   */
  async setTaskDone(
    { em, viewer }: Scope,
    taskIdArg: string,
    pupilIdArg: string,
    done: boolean,
    attachmentIdArgs: string[] | null = null,
  ): Promise<RemoteTask> {
    policy.require(viewer, Permission.RemoteWorkCheck);
    const taskId = parseId('taskId', taskIdArg);
    const pupilId = parseId('pupilId', pupilIdArg);
    const files = attachmentIdArgs ? checkAttachmentIds(attachmentIdArgs, MAX_WORK_FILES) : null;
    if (!done && files && files.length > 0) {
      throw badInput('attachmentIds', 'WORK_WITHOUT_DONE', 'Work is attached to a task done');
    }
    if (!policy.isSelfOrGuardian(viewer, pupilId)) throw notFound();
    return em.transactional(async (tem) => {
      const [task] = await prepared<
        Omit<RemoteTask, 'pupilId' | 'done' | 'attachments'> & {
          lessonId: number;
          courseId: number;
          studies: boolean;
        }
      >(
        tem,
        `select t.id::text, t.text, t.due_on::text as "dueOn", t.lesson_id as "lessonId", l.course_id as "courseId",
                exists(select 1 from enrollment e where e.pupil_id = ?::int and e.class_group_id = co.class_group_id
                        and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
                        and (co.subgroup_id is null or exists(select 1 from subgroup_member sm
                              where sm.subgroup_id = co.subgroup_id and sm.pupil_id = ?::int))) as studies
           from remote_task t join lesson l on l.id = t.lesson_id join course co on co.id = l.course_id
          where t.school_id = ? and t.id = ?`,
        [pupilId, pupilId, viewer.schoolId, taskId],
      );
      if (!task) throw notFound();
      if (!task.studies) {
        throw badInput('taskId', 'NOT_PUPILS_TASK', 'The task is not of a lesson of this pupil');
      }
      let attachments: RemoteAttachment[] = [];
      if (done) {
        const [check] = await prepared<{ id: number }>(
          tem,
          `insert into remote_task_check (school_id, task_id, pupil_id, checked_by_id) values (?, ?, ?, ?)
           on conflict (task_id, pupil_id) do update set task_id = excluded.task_id returning id`,
          [viewer.schoolId, taskId, pupilId, viewer.personId],
        );
        attachments = await writeWorkFiles(tem, viewer, check.id, files);
      } else {
        await prepared(
          tem,
          `with k as (delete from remote_task_check where school_id = ? and task_id = ? and pupil_id = ? returning id)
           delete from attachment where id in (select rw.attachment_id from remote_work_attachment rw join k on k.id = rw.check_id)`,
          [viewer.schoolId, taskId, pupilId],
        );
      }
      await auditAndPublish(
        tem,
        viewer,
        [
          {
            entity: 'remote_task_check',
            entityId: taskId,
            action: done ? 'create' : 'remove',
            before: null,
            after: { pupilId, done, attachmentIds: attachments.map((a) => Number(a.id)) },
          },
        ],
        [
          {
            type: REMOTE_TASK_CHECKED,
            pupilIds: [pupilId],
            courseId: task.courseId,
            payload: {
              taskId: String(taskId),
              pupilId: String(pupilId),
              lessonId: String(task.lessonId),
              done,
            },
          },
        ],
      );
      return {
        id: task.id,
        text: task.text,
        dueOn: task.dueOn,
        pupilId: String(pupilId),
        done,
        attachments,
      };
    });
  }

  /**
   * The class teacher's table across subjects: the class's remote lessons from `from`
   * to `to`, pupils × tasks. The class teacher reads own class, the administration any.
   */
  async classTable(
    { em, viewer }: Scope,
    classGroupIdArg: string,
    from: string,
    to: string | null,
  ): Promise<RemoteClassTable> {
    policy.require(viewer, Permission.StructureRead);
    const classGroupId = parseId('classGroupId', classGroupIdArg);
    const until = to ?? from;
    if (until < from) throw badInput('to', 'INVALID_DATE_RANGE', 'The span ends before it starts');
    const days = (Date.parse(until) - Date.parse(from)) / 86_400_000;
    if (days >= MAX_SPAN_DAYS) {
      throw badInput('to', 'DATE_OUT_OF_RANGE', `At most ${MAX_SPAN_DAYS} days`);
    }
    if (
      !viewer.ledClassIds.includes(classGroupId) &&
      !policy.can(viewer, Permission.JournalReadAll)
    ) {
      throw notFound();
    }
    const table = await readClassTable(em, viewer.schoolId, classGroupId, from, until);
    if (!table) throw notFound();
    return table;
  }

  /** What a pupil still owes: the remote tasks not checked as done, overdue first. */
  async owed(
    { em, viewer }: Scope,
    pupilIdArg: string,
    todayOf: (em: EntityManager, viewer: Viewer) => Promise<string>,
  ): Promise<OwedTask[]> {
    policy.require(viewer, Permission.RemoteWorkCheck);
    const pupilId = parseId('pupilId', pupilIdArg);
    if (!policy.isSelfOrGuardian(viewer, pupilId)) throw notFound();
    return readOwed(em, viewer.schoolId, pupilId, await todayOf(em, viewer), MAX_OWED);
  }
}

/**
 * A tick's files become `ids` in this order (null: as they are): the tick's own are kept, the
 * rest are the viewer's uploads, claimed all or none; files left out are deleted. Answers them.
 */
async function writeWorkFiles(
  em: EntityManager,
  viewer: Viewer,
  checkId: number,
  ids: number[] | null,
): Promise<RemoteAttachment[]> {
  if (ids) await replaceFiles(em, viewer, WORK_FILES, checkId, ids);
  return prepared<RemoteAttachment>(
    em,
    `select a.id::text, a.name, a.content_type as "contentType", a.size
       from remote_work_attachment rw join attachment a on a.id = rw.attachment_id
      where rw.check_id = ? order by rw.position`,
    [checkId],
  );
}

async function isOwnLesson(em: EntityManager, viewer: Viewer, lessonId: number): Promise<boolean> {
  const [row] = await prepared(
    em,
    `select 1 from lesson l join course co on co.id = l.course_id
      where l.school_id = ? and l.id = ? and (co.teacher_id = ? or l.substitute_id = ?)`,
    [viewer.schoolId, lessonId, viewer.personId, viewer.personId],
  );
  return !!row && policy.can(viewer, Permission.JournalWrite);
}

function checkLinks(links: string[]): string[] {
  if (links.length > MAX_LINKS) throw badInput('links', 'TOO_MANY', `At most ${MAX_LINKS} links`);
  return links.map((l, i) => {
    const link = requiredText(`links.${i}`, l, 500);
    let url: URL | null = null;
    try {
      url = new URL(link);
    } catch {
      url = null;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      throw badInput(`links.${i}`, 'INVALID_FORMAT', 'A link starts with http:// or https://');
    }
    return link;
  });
}

function checkAttachmentIds(ids: string[], max = MAX_FILES): number[] {
  const parsed = [...new Set(ids.map((id, i) => parseId(`attachmentIds.${i}`, id)))];
  if (parsed.length > max) {
    throw badInput('attachmentIds', 'TOO_MANY', `At most ${max} files`);
  }
  return parsed;
}

/** A link table of messaging's store (decisions 57, 62): the files of one owner, in order. */
interface FileLinks {
  table: 'remote_material_attachment' | 'remote_work_attachment';
  owner: 'lesson_id' | 'check_id';
}
const MATERIAL_FILES: FileLinks = { table: 'remote_material_attachment', owner: 'lesson_id' };
const WORK_FILES: FileLinks = { table: 'remote_work_attachment', owner: 'check_id' };

/**
 * An owner's files become `ids` in this order: its own are kept, the rest are the viewer's
 * uploads, claimed all or none (messaging's store); files left out are deleted with their link.
 */
async function replaceFiles(
  em: EntityManager,
  viewer: Viewer,
  { table, owner }: FileLinks,
  ownerId: number,
  ids: number[],
): Promise<void> {
  const own = await prepared<{ id: number }>(
    em,
    `select attachment_id as id from ${table} where ${owner} = ?`,
    [ownerId],
  );
  const kept = new Set(own.map((r) => r.id));
  await claimUploads(
    em,
    viewer,
    ids.filter((id) => !kept.has(id)),
    'attachmentIds',
  );
  await prepared(
    em,
    `delete from attachment where id in (select attachment_id from ${table}
      where ${owner} = ? and attachment_id <> all(?::int[]))`,
    [ownerId, ids],
  );
  await prepared(
    em,
    `insert into ${table} (attachment_id, ${owner}, position)
     select x.id, ?, x.n - 1 from unnest(?::int[]) with ordinality x(id, n)
     on conflict (attachment_id) do update set position = excluded.position`,
    [ownerId, ids],
  );
}

interface TaskWrite {
  id: number | null;
  text: string;
  dueOn: string;
}

function checkTasks(input: SetRemoteWorkInput, row: RemoteLessonRow): TaskWrite[] {
  if (input.tasks.length > MAX_TASKS) {
    throw badInput('tasks', 'TOO_MANY', `At most ${MAX_TASKS} tasks`);
  }
  const own = new Set(row.tasks.map((t) => t.id));
  return input.tasks.map((t, i) => {
    if (t.id != null && !own.has(String(t.id))) {
      throw badInput(`tasks.${i}.id`, 'INVALID_ID', 'Not a task of this lesson');
    }
    if (t.dueOn < row.date) {
      throw badInput(
        `tasks.${i}.dueOn`,
        'DUE_BEFORE_LESSON',
        'A task is due on the lesson’s day or later',
      );
    }
    return {
      id: t.id != null ? Number(t.id) : null,
      text: requiredText(`tasks.${i}.text`, t.text, 2000),
      dueOn: t.dueOn,
    };
  });
}

/** Upserts the material, deletes tasks left out, updates kept ones and adds new ones. */
async function writeWork(
  em: EntityManager,
  viewer: Viewer,
  row: RemoteLessonRow,
  material: string,
  links: string[],
  tasks: TaskWrite[],
): Promise<void> {
  const lessonId = Number(row.lessonId);
  await prepared(
    em,
    `insert into remote_material (school_id, lesson_id, body, links, author_id) values (?, ?, ?, ?::text[], ?)
     on conflict (lesson_id) do update set body = excluded.body, links = excluded.links, author_id = excluded.author_id, updated_at = now()`,
    [viewer.schoolId, lessonId, material, links, viewer.personId],
  );
  const kept = tasks.filter((t) => t.id != null).map((t) => t.id!);
  // A task left out goes with its ticks and the work attached to them.
  await prepared(
    em,
    `with t as (delete from remote_task where lesson_id = ? and id <> all(?::int[]) returning id)
     delete from attachment where id in (select rw.attachment_id from remote_work_attachment rw
       join remote_task_check k on k.id = rw.check_id join t on t.id = k.task_id)`,
    [lessonId, kept],
  );
  await prepared(
    em,
    `with x as (select * from jsonb_to_recordset(?::jsonb) as x(id int, text text, "dueOn" date)),
          u as (update remote_task t set text = x.text, due_on = x."dueOn" from x where x.id = t.id and t.lesson_id = ?)
     insert into remote_task (school_id, lesson_id, text, due_on, author_id)
     select ?, ?, x.text, x."dueOn", ? from x where x.id is null`,
    [JSON.stringify(tasks), lessonId, viewer.schoolId, lessonId, viewer.personId],
  );
}
