import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Sex } from './person.entity.js';
import { Role, hasStaffRole } from '../../auth/role.js';
import { policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import {
  AccessState,
  AccessStatus,
  ConsentRecord,
  EnrollmentRecord,
  LeaveReason,
  PersonRecord,
  type PersonData,
} from './people.types.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { pgIntArray, prepared } from '../../db/prepared.js';

export { pgIntArray };

/** The classes each person belongs to on a day: as a pupil, or as a guardian of a pupil there. */
export async function classIdsOf(
  em: EntityManager,
  personIds: readonly number[],
  today: string,
): Promise<Map<number, number[]>> {
  const rows = await prepared<{ person_id: number; classes: number[] }>(
    em,
    `select x.person_id, array_agg(distinct x.class_group_id) as classes from (
       select e.pupil_id as person_id, e.class_group_id from enrollment e
        where e.pupil_id = any(?::int[]) and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?)
       union all
       select g.guardian_id, e.class_group_id from guardianship g join enrollment e on e.pupil_id = g.pupil_id
        where g.guardian_id = any(?::int[]) and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?)
     ) x group by x.person_id`,
    [pgIntArray(personIds), today, today, pgIntArray(personIds), today, today],
  );
  return new Map(rows.map((r) => [r.person_id, r.classes]));
}

interface RecordRow {
  id: number;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  sex: Sex | null;
  birth_date: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  document: string | null;
  record_confirmed_at: Date | null;
  roles: Role[];
  classes: number[];
}

/** People of one school by id, with their roles and the classes they belong to today (classIdsOf). */
const RECORD_SQL = `
select p.id, p.last_name, p.first_name, p.middle_name, p.sex::text as sex,
       to_char(p.birth_date, 'YYYY-MM-DD') as birth_date, p.phone, p.email, p.address, p.document,
       p.record_confirmed_at,
       array(select g.role::text from role_grant g where g.person_id = p.id order by g.role) as roles,
       array(select distinct x.class_group_id from (
               select e.class_group_id from enrollment e
                where e.pupil_id = p.id and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?)
               union all
               select e.class_group_id from guardianship g join enrollment e on e.pupil_id = g.pupil_id
                where g.guardian_id = p.id and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?)
             ) x order by 1) as classes
  from person p
 where p.id = any(?::int[]) and p.school_id = ?`;

function personData(r: RecordRow): PersonData {
  return {
    id: r.id,
    lastName: r.last_name,
    firstName: r.first_name,
    middleName: r.middle_name,
    sex: r.sex,
    birthDate: r.birth_date,
    phone: r.phone,
    email: r.email,
    address: r.address,
    document: r.document,
    recordConfirmedAt: r.record_confirmed_at === null ? null : new Date(r.record_confirmed_at),
  };
}

/**
 * Per-request batching for person records and their parts: a roster of 30 pupils with their
 * parents, consents and codes is a handful of queries, whatever the selection.
 */
export class PeopleLoaders {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
    readonly today: string,
  ) {}

  /**
   * A record with the viewer's rights on it; null when the person is not of the viewer's school.
   * One statement for the whole batch (the person, roles and today's classes), no entities
   * (decision 50); the rights are decided once per record here, not per field.
   */
  readonly record = new DataLoader<number, PersonRecord | null>(async (keys) => {
    const viewer = this.viewer;
    if (!viewer) return keys.map(() => null);
    const t = this.today;
    const rows = await prepared<RecordRow>(this.em, RECORD_SQL, [
      ...[t, t, t, t],
      pgIntArray(keys),
      viewer.schoolId,
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return keys.map((id) => {
      const r = byId.get(id);
      if (!r) return null;
      const subject = { id, classIds: r.classes };
      const isStaff = hasStaffRole(r.roles);
      return PersonRecord.from(
        personData(r),
        r.roles,
        subject.classIds,
        policy.canReadPersonalData(viewer, subject),
        isStaff ? false : policy.canManagePupilOrParent(viewer, subject),
      );
    });
  });

  readonly guardians = new DataLoader<number, { id: number; kind: string }[]>(async (keys) => {
    const rows = await prepared<{ pupil_id: number; guardian_id: number; kind: string }>(
      this.em,
      `select pupil_id, guardian_id, kind from guardianship where pupil_id = any(?::int[]) order by kind desc, guardian_id`,
      [pgIntArray(keys)],
    );
    return keys.map((k) =>
      rows.filter((r) => r.pupil_id === k).map((r) => ({ id: r.guardian_id, kind: r.kind })),
    );
  });

  readonly children = new DataLoader<number, { id: number; kind: string }[]>(async (keys) => {
    const rows = await prepared<{ pupil_id: number; guardian_id: number; kind: string }>(
      this.em,
      `select pupil_id, guardian_id, kind from guardianship where guardian_id = any(?::int[]) order by pupil_id`,
      [pgIntArray(keys)],
    );
    return keys.map((k) =>
      rows.filter((r) => r.guardian_id === k).map((r) => ({ id: r.pupil_id, kind: r.kind })),
    );
  });

  readonly enrollments = new DataLoader<number, EnrollmentRecord[]>(async (keys) => {
    const rows = await prepared<{
      id: number;
      pupil_id: number;
      class_group_id: number;
      starts_on: string;
      ends_on: string | null;
      leave_reason: LeaveReason | null;
    }>(
      this.em,
      `select id, pupil_id, class_group_id, to_char(starts_on, 'YYYY-MM-DD') as starts_on,
              to_char(ends_on, 'YYYY-MM-DD') as ends_on, leave_reason
         from enrollment where pupil_id = any(?::int[]) order by starts_on, id`,
      [pgIntArray(keys)],
    );
    const classes = await this.em.find(ClassGroup, {
      id: { $in: [...new Set(rows.map((r) => r.class_group_id))] },
    });
    const cls = new Map(classes.map((c) => [c.id, c]));
    return keys.map((k) =>
      rows
        .filter((r) => r.pupil_id === k)
        .map((r) =>
          Object.assign(new EnrollmentRecord(), {
            id: r.id,
            classGroup: cls.get(r.class_group_id)!,
            startsOn: r.starts_on,
            endsOn: r.ends_on,
            leaveReason: r.leave_reason,
          }),
        ),
    );
  });

  readonly consents = new DataLoader<number, ConsentRecord[]>(async (keys) => {
    const rows = await prepared<{
      id: number;
      subject_id: number;
      given_by_id: number | null;
      given_by_name: string | null;
      document: string;
      given_on: string;
      recorded_at: Date;
      revoked_on: string | null;
    }>(
      this.em,
      `select c.id, c.subject_id, c.given_by_id, c.document, to_char(c.given_on, 'YYYY-MM-DD') as given_on,
              c.recorded_at, to_char(c.revoked_on, 'YYYY-MM-DD') as revoked_on,
              concat_ws(' ', p.last_name, p.first_name, p.middle_name) as given_by_name
         from consent c left join person p on p.id = c.given_by_id
        where c.subject_id = any(?::int[]) order by c.given_on, c.id`,
      [pgIntArray(keys)],
    );
    return keys.map((k) =>
      rows
        .filter((r) => r.subject_id === k)
        .map((r) =>
          Object.assign(new ConsentRecord(), {
            id: r.id,
            givenById: r.given_by_id,
            givenByName: r.given_by_name,
            document: r.document,
            givenOn: r.given_on,
            recordedAt: new Date(r.recorded_at),
            revokedOn: r.revoked_on,
            active: r.revoked_on == null,
          }),
        ),
    );
  });

  readonly access = new DataLoader<number, AccessStatus>(async (keys) => {
    const rows = await prepared<{
      person_id: number;
      login: string;
      has_password: boolean;
      password_changed_at: Date | null;
      code_id: number | null;
      issued_at: Date | null;
      expires_at: Date | null;
      activated_at: Date | null;
      revoked_at: Date | null;
    }>(
      this.em,
      `select a.person_id, a.login, a.password_hash is not null as has_password, a.password_changed_at,
              c.id as code_id, c.issued_at, c.expires_at, c.activated_at, c.revoked_at
         from user_account a
         left join lateral (select * from access_code c where c.account_id = a.id order by c.issued_at desc, c.id desc limit 1) c on true
        where a.person_id = any(?::int[])`,
      [pgIntArray(keys)],
    );
    const now = Date.now();
    return keys.map((k) => {
      const r = rows.find((x) => x.person_id === k);
      const status: AccessStatus = Object.assign(new AccessStatus(), {
        state: AccessState.NONE,
        login: r?.login ?? null,
        codeIssuedAt: r?.issued_at ? new Date(r.issued_at) : null,
        codeExpiresAt: r?.expires_at ? new Date(r.expires_at) : null,
        activatedAt: r?.activated_at ? new Date(r.activated_at) : null,
        openCodeId: null,
      });
      if (!r) return status;
      const open = r.issued_at && !r.activated_at && !r.revoked_at;
      if (open && new Date(r.expires_at!).getTime() > now) {
        status.state = AccessState.CODE_ISSUED;
        status.openCodeId = r.code_id;
      } else if (r.has_password) status.state = AccessState.ACTIVE;
      else if (open) status.state = AccessState.CODE_EXPIRED;
      return status;
    });
  });
}
