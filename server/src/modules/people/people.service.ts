import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from './person.entity.js';
import { RoleGrant } from './role-grant.entity.js';
import { Role, hasStaffRole } from '../../auth/role.js';
import { Guardianship } from './guardianship.entity.js';
import { Enrollment } from './enrollment.entity.js';
import { Consent } from './consent.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { AcademicYear } from '../school/academic-year.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import { canReadRoster } from '../../auth/records.js';
import type { Viewer } from '../../auth/viewer.js';
import { audit } from '../audit/audit.js';
import { DomainError, badInput, conflict, forbidden, notFound } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { checkKind, checkPersonInput } from './person-fields.js';
import type { ConsentInput, GuardianInput, MovePupilInput, PersonInput } from './people.inputs.js';
import {
  ClassRoster,
  PersonRecord,
  PersonalDataAccessEntry,
  PersonalDataAccessPage,
} from './people.types.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/cursor.js';
import { pgIntArray, type PeopleLoaders } from './people.loaders.js';
import { prepared } from '../../db/prepared.js';
import { classGroupView } from '../school/course.read.js';
import { addGuardianTo } from './guardian-link.js';
import {
  addDays,
  checkLeaveReason,
  currentEnrolment,
  deletionFacts,
  enrolmentStart,
  refuseDeletion,
  transferTarget,
} from './pupil-moves.js';
import { publishRightsChanged } from '../../events/rights.js';

/** a record not confirmed for this long is flagged to the class teacher. */
export const CONFIRM_EVERY_DAYS = 30;

interface AccessLogRow {
  id: string;
  at: Date;
  /** `at` as the database writes it, with its microseconds: the page's sort key. */
  at_key: string;
  reader_id: number;
  reader_name: string;
  subject_id: number;
  subject_name: string;
  fields: string[];
}

const accessLogEntry = (r: AccessLogRow) =>
  Object.assign(new PersonalDataAccessEntry(), {
    id: r.id,
    at: new Date(r.at),
    readerId: r.reader_id,
    readerName: r.reader_name,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    fields: r.fields,
  });

/**
 * Pupils and parents: registered, edited, linked, moved and confirmed by their class teacher
 * consents to processing their data (152-FZ). Staff stay with the
 * SYSADMIN (staff.service.ts).
 */
interface RosterRow {
  id: number;
  grade: number;
  letter: string;
  year: number;
  teacher: number | null;
  roll: { id: number; current: boolean }[];
  links: { pupil: number; id: number; kind: string }[];
}

/** A class of the viewer's school, who is (and was) enrolled in it, and their guardians. */
const ROSTER_SQL = `
select c.id, c.grade, c.letter, c.academic_year_id as year, c.class_teacher_id as teacher,
       coalesce((select json_agg(json_build_object('id', r.pupil_id, 'current', r.current))
                   from (select e.pupil_id, bool_or(e.starts_on <= ?::date and (e.ends_on is null or e.ends_on >= ?::date)) as current
                           from enrollment e where e.class_group_id = c.id group by e.pupil_id) r), '[]') as roll,
       coalesce((select json_agg(json_build_object('pupil', g.pupil_id, 'id', g.guardian_id, 'kind', g.kind)
                                 order by g.kind desc, g.guardian_id)
                   from guardianship g
                  where g.pupil_id in (select e.pupil_id from enrollment e where e.class_group_id = c.id)), '[]') as links
  from class_group c
 where c.id = ? and c.school_id = ?`;

export class PeopleService {
  /**
   * One statement reads the class, its pupils (now and earlier this year) and their guardians'
   * links; the records come in one more (the record loader), whatever the class's size.
   */
  async roster({ em, viewer }: Scope, loaders: PeopleLoaders, id: string): Promise<ClassRoster> {
    if (!viewer) throw forbidden();
    const today = loaders.today;
    const [cls] = await prepared<RosterRow>(em, ROSTER_SQL, [
      today,
      today,
      parseId('id', id),
      viewer.schoolId,
    ]);
    if (!cls) throw notFound();
    if (!canReadRoster(viewer, cls.id)) throw forbidden();
    for (const r of cls.roll) {
      const links = cls.links.filter((l) => l.pupil === r.id);
      loaders.guardians.prime(
        r.id,
        links.map((l) => ({ id: l.id, kind: l.kind })),
      );
    }
    const records = (await loaders.record.loadMany(cls.roll.map((r) => r.id))).filter(
      (r): r is PersonRecord => r instanceof PersonRecord,
    );
    const byName = (a: PersonRecord, b: PersonRecord) => a.fullName.localeCompare(b.fullName, 'ru');
    const current = new Set(cls.roll.filter((r) => r.current).map((r) => r.id));
    return Object.assign(new ClassRoster(), {
      classGroup: classGroupView(cls),
      pupils: records.filter((r) => current.has(r.id)).sort(byName),
      former: records.filter((r) => !current.has(r.id)).sort(byName),
      manageable: viewer.ledClassIds.includes(cls.id),
    });
  }

  /** Someone's record, if the viewer may see their personal data; otherwise as if it were not there. */
  async person(scope: Scope, loaders: PeopleLoaders, id: string): Promise<PersonRecord> {
    const record = await loaders.record.load(parseId('id', id));
    if (!record?.readable) throw notFound();
    return record;
  }

  /** Enrols the new pupil from `enrolledFrom` (a day of the class's year up to today), else today. */
  async registerPupil(
    { em, viewer }: Scope,
    today: string,
    classGroupId: string,
    input: PersonInput,
    enrolledFrom?: string | null,
  ): Promise<number> {
    if (!viewer) throw forbidden();
    const fields = checkPersonInput(input, today);
    return em.transactional(async (tem) => {
      const cls = await requireLedClass(tem, viewer, classGroupId);
      const year = await tem.findOneOrFail(AcademicYear, cls.academicYear.id);
      const startsOn = enrolmentStart(year, today, enrolledFrom);
      const pupil = tem.create(Person, {
        school: viewer.schoolId,
        ...fields,
        recordConfirmedAt: new Date(),
        recordConfirmedBy: viewer.personId,
      });
      tem.create(RoleGrant, { school: viewer.schoolId, person: pupil, role: Role.STUDENT });
      tem.create(Enrollment, { school: viewer.schoolId, pupil, classGroup: cls, startsOn });
      await tem.flush();
      audit(tem, viewer, 'person', pupil.id, 'create', { classGroupId: cls.id }, null);
      return pupil.id;
    });
  }

  /**
   * Adds a parent to a pupil. A parent already known to the school (same name and phone) is linked
   * rather than created twice, so a family with children in several classes has one account.
   */
  async addGuardian(
    scope: Scope,
    loaders: PeopleLoaders,
    pupilId: string,
    input: GuardianInput,
  ): Promise<number> {
    const viewer = scope.viewer;
    const pupil = await this.managedPupil(loaders, viewer, pupilId);
    const kind = checkKind(input.kind);
    const fields = checkPersonInput(input, loaders.today);
    return scope.em.transactional(async (tem) => {
      const r = await addGuardianTo(tem, viewer!, pupil.id, kind, fields);
      if (r.linkedExisting) {
        audit(tem, viewer!, 'guardianship', pupil.id, 'create', { guardianId: r.id, kind }, null);
        // A parent already signed in hears of the new child without signing in again.
        await publishRightsChanged(tem, viewer!.schoolId, { personIds: [r.id] });
      }
      return pupil.id;
    });
  }

  async unlinkGuardian(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    pupilId: string,
    guardianId: string,
  ): Promise<number> {
    const pupil = await this.managedPupil(loaders, viewer, pupilId);
    return em.transactional(async (tem) => {
      const link = await tem.findOne(Guardianship, {
        pupil: pupil.id,
        guardian: parseId('guardianId', guardianId),
      });
      if (!link) throw notFound();
      tem.remove(link);
      audit(
        tem,
        viewer!,
        'guardianship',
        pupil.id,
        'remove',
        { guardianId: link.guardian.id },
        null,
      );
      // The parent's open sockets stop receiving this child's diary at once.
      await publishRightsChanged(tem, viewer!.schoolId, {
        personIds: [link.guardian.id],
        pupilIds: [pupil.id],
      });
      return pupil.id;
    });
  }

  /** Edits a pupil's or parent's record (their class teacher) or a member of staff's (SYSADMIN). */
  async updateRecord(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    id: string,
    input: PersonInput,
  ): Promise<number> {
    const record = await loaders.record.load(parseId('id', id));
    if (!record) throw notFound();
    const isStaff = hasStaffRole(record.roles);
    if (isStaff) policy.require(viewer, Permission.StaffManage);
    else if (!record.manageable) throw record.readable ? forbidden() : notFound();
    const fields = checkPersonInput(input, loaders.today);
    return em.transactional(async (tem) => {
      const person = await tem.findOneOrFail(Person, record.id);
      const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter(
        (k) => (person[k] ?? null) !== fields[k],
      );
      tem.assign(person, fields);
      // The audit names the fields that changed, not their values: personal data stay in one place.
      if (changed.length > 0) {
        audit(tem, viewer!, 'person', person.id, 'update', null, { fields: changed });
      }
      return person.id;
    });
  }

  /** The class teacher checked these pupils' records and their parents' and found them current. */
  async confirmRecords(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    ids: string[],
  ): Promise<number[]> {
    if (ids.length === 0 || ids.length > 100) {
      throw badInput('ids', 'OUT_OF_RANGE', 'Confirm from 1 to 100 records at a time');
    }
    const records = await loaders.record.loadMany(ids.map((id) => parseId('ids', id)));
    const entries = records.flatMap((r, index) =>
      r instanceof PersonRecord && r.manageable
        ? []
        : [{ index, reason: 'FORBIDDEN' as const, message: 'Not a pupil or parent of your class' }],
    );
    if (entries.length > 0) {
      throw new DomainError('FORBIDDEN', 'Some records are not yours to confirm', { entries });
    }
    const personIds = (records as PersonRecord[]).map((r) => r.id);
    return em.transactional(async (tem) => {
      await tem.execute(
        `update person set record_confirmed_at = now(), record_confirmed_by = ? where id = any(?::int[])`,
        [viewer!.personId, pgIntArray(personIds)],
      );
      for (const id of personIds) audit(tem, viewer!, 'person', id, 'confirm', null, null);
      return personIds;
    });
  }

  /** Transfers a pupil to another class or records leaving school; the enrolment history stays. */
  async movePupil(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    pupilId: string,
    input: MovePupilInput,
  ): Promise<number> {
    const pupil = await this.managedPupil(loaders, viewer, pupilId);
    checkLeaveReason(input.reason);
    return em.transactional(async (tem) => {
      const current = await currentEnrolment(tem, viewer!, pupil.id, loaders.today, input.on);
      const target = await transferTarget(tem, viewer!, input, current);
      const before = { classGroupId: current.classGroup.id, endsOn: current.endsOn ?? null };
      current.endsOn = addDays(input.on, -1);
      current.leaveReason = input.reason;
      if (target) {
        tem.create(Enrollment, {
          school: viewer!.schoolId,
          pupil: pupil.id,
          classGroup: target,
          startsOn: input.on,
        });
      }
      audit(tem, viewer!, 'person', pupil.id, 'move', before, {
        reason: input.reason,
        on: input.on,
        toClassGroupId: target?.id ?? null,
      });
      // Who may read the pupil's diary follows the classes: judged again on open sockets.
      await publishRightsChanged(tem, viewer!.schoolId, { pupilIds: [pupil.id] });
      return pupil.id;
    });
  }

  /**
   * Deletes a pupil registered by mistake (a duplicate, a wrong line of a class list), with the
   * parents registered for that pupil alone. Only while nothing rests on the record: no mark,
   * absence or period mark, no enrolment in a class the viewer does not lead, no account ever
   * used. Otherwise the pupil is moved out (`movePupil`), which keeps the history.
   */
  async deletePupil(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    pupilId: string,
  ): Promise<number> {
    const pupil = await this.managedPupil(loaders, viewer, pupilId);
    return em.transactional(async (tem) => {
      // A mark or absence being written takes a key-share lock on the pupil's row: locking it
      // first means one written before is seen below, and one written after finds no pupil.
      await tem.execute(`select id from person where id = ? for update`, [pupil.id]);
      const facts = await deletionFacts(tem, viewer!, pupil.id);
      refuseDeletion(facts);
      // The audit keeps who deleted which record and when, not the person's data.
      audit(tem, viewer!, 'person', pupil.id, 'remove', null, {
        guardiansDeleted: facts.guardians,
      });
      await tem.execute(`delete from person where id = any(?::int[])`, [
        pgIntArray([pupil.id, ...facts.guardians]),
      ]);
      await publishRightsChanged(tem, viewer!.schoolId, {
        personIds: facts.guardians,
        pupilIds: [pupil.id],
      });
      return pupil.id;
    });
  }

  async recordConsent(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    pupilId: string,
    input: ConsentInput,
  ): Promise<number> {
    const pupil = await this.managedPupil(loaders, viewer, pupilId);
    const document = requiredText('document', input.document, 200);
    if (input.givenOn > loaders.today) {
      throw badInput('givenOn', 'DATE_OUT_OF_RANGE', 'The date is in the future');
    }
    return em.transactional(async (tem) => {
      let givenBy: number | null = null;
      if (input.givenById) {
        givenBy = parseId('givenById', input.givenById);
        const link = await tem.findOne(Guardianship, { pupil: pupil.id, guardian: givenBy });
        if (!link) throw badInput('givenById', 'NOT_A_GUARDIAN', 'Not a guardian of this pupil');
      }
      const consent = tem.create(Consent, {
        school: viewer!.schoolId,
        subject: pupil.id,
        givenBy,
        document,
        givenOn: input.givenOn,
        recordedBy: viewer!.personId,
      });
      await tem.flush();
      audit(tem, viewer!, 'consent', consent.id, 'create', null, { subjectId: pupil.id });
      return pupil.id;
    });
  }

  async revokeConsent(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    consentId: string,
    on: string,
  ): Promise<number> {
    if (!viewer) throw forbidden();
    const consent = await em.findOne(Consent, {
      id: parseId('id', consentId),
      school: viewer.schoolId,
    });
    if (!consent) throw notFound();
    const pupil = await this.managedPupil(loaders, viewer, String(consent.subject.id));
    if (consent.revokedOn) throw conflict(undefined, 'ALREADY_REVOKED', 'Already revoked');
    if (on < consent.givenOn || on > loaders.today) {
      throw badInput('on', 'DATE_OUT_OF_RANGE', 'The date is not plausible');
    }
    return em.transactional(async (tem) => {
      const c = await tem.findOneOrFail(Consent, consent.id);
      Object.assign(c, { revokedOn: on, revokedAt: new Date(), revokedBy: viewer.personId });
      audit(tem, viewer, 'consent', c.id, 'revoke', null, { on });
      return pupil.id;
    });
  }

  /** For the DIRECTOR: who read whose personal data, newest first. */
  /**
   * The log, newest first, a page at a time: one keyset statement on (at, id) descending
   * (decision 33), so a page is the same however much was written after the first.
   */
  async accessLog(
    { em, viewer }: Scope,
    filter: {
      subjectId?: string | null;
      readerId?: string | null;
      first: number;
      after?: string | null;
    },
  ): Promise<PersonalDataAccessPage> {
    policy.require(viewer, Permission.PersonalDataLogRead);
    const limit = pageSize(filter.first, 500);
    const after = filter.after ? decodeCursor(filter.after) : null;
    const rows = await em.execute<AccessLogRow[]>(
      `select l.id::text, l.at, l.at::text as at_key, l.reader_id, l.subject_id, l.fields,
              concat_ws(' ', r.last_name, r.first_name, r.middle_name) as reader_name,
              concat_ws(' ', s.last_name, s.first_name, s.middle_name) as subject_name
         from personal_data_access l
         join person r on r.id = l.reader_id join person s on s.id = l.subject_id
        where l.school_id = ? and (?::int is null or l.subject_id = ?::int) and (?::int is null or l.reader_id = ?::int)
          and (?::timestamptz is null or (l.at, l.id) < (?::timestamptz, ?::bigint))
        order by l.at desc, l.id desc limit ?`,
      [
        viewer.schoolId,
        filter.subjectId ? parseId('subjectId', filter.subjectId) : null,
        filter.subjectId ? parseId('subjectId', filter.subjectId) : null,
        filter.readerId ? parseId('readerId', filter.readerId) : null,
        filter.readerId ? parseId('readerId', filter.readerId) : null,
        after?.key ?? null,
        after?.key ?? null,
        after?.id ?? null,
        limit + 1,
      ],
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return Object.assign(new PersonalDataAccessPage(), {
      items: items.map(accessLogEntry),
      nextCursor: rows.length > limit ? encodeCursor(last.at_key, last.id) : null,
    });
  }

  /** A pupil of a class the viewer leads; NOT_FOUND for pupils the viewer cannot even see. */
  private async managedPupil(
    loaders: PeopleLoaders,
    viewer: Viewer | null,
    id: string,
  ): Promise<PersonRecord> {
    if (!viewer) throw forbidden();
    const record = await loaders.record.load(parseId('pupilId', id));
    if (!record || !record.roles.includes(Role.STUDENT)) throw notFound();
    if (!record.manageable) throw record.readable ? forbidden() : notFound();
    return record;
  }
}

/** A class of the viewer's school that the viewer leads: only its class teacher registers its pupils. */
export async function requireLedClass(
  em: EntityManager,
  viewer: Viewer,
  id: string,
): Promise<ClassGroup> {
  const cls = await em.findOne(ClassGroup, {
    id: parseId('classGroupId', id),
    school: viewer.schoolId,
  });
  if (!cls) throw notFound();
  if (!viewer.ledClassIds.includes(cls.id)) {
    throw new DomainError('FORBIDDEN', 'Only the class teacher registers pupils of a class', {
      reason: 'NOT_CLASS_TEACHER',
    });
  }
  return cls;
}
