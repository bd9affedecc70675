import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessCodeEntry, AccessCodeRegisterPage } from './access.types.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/cursor.js';
import { pdf, roleLabel } from './access.format.js';
import type { Role } from '../../auth/role.js';
import { FileDownload } from '../people/people.types.js';
import type { PeopleLoaders } from '../people/people.loaders.js';
import { School } from '../school/school.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { canReadAccessRegister } from '../../auth/records.js';
import type { Viewer } from '../../auth/viewer.js';
import { forbidden, notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { Clock } from '../../clock.js';
import { renderCodeRegister, type Lang } from '../../documents/pdf.js';

export interface RegisterFilter {
  classGroupId?: string | null;
  staff?: boolean | null;
}

interface RegisterRow {
  id: number;
  person_id: number;
  full_name: string;
  roles: Role[];
  class_name: string | null;
  login: string;
  issued_by: string | null;
  issued_at: Date;
  /** `issued_at` as the database writes it, with its microseconds: the page's sort key. */
  issued_key: string;
  expires_at: Date;
  activated_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

/** Which codes: those of a class's pupils and parents on `today`, of staff, or (neither) all. */
interface RegisterScope {
  schoolId: number;
  classId: number | null;
  staff: boolean;
  today: string;
}

/** The register of issued access codes, on screen and as a sheet to sign. */
export class AccessRegisterService {
  constructor(private readonly clock: Clock) {}

  /**
   * The register: the SYSADMIN sees codes of staff, a class teacher those of their class's pupils
   * and parents, the administration everything.
   */
  async register(
    scope: Scope,
    loaders: PeopleLoaders,
    filter: RegisterFilter,
    lang: Lang,
    page: { first: number; after?: string | null },
  ): Promise<AccessCodeRegisterPage> {
    const limit = pageSize(page.first, 500);
    const after = page.after ? decodeCursor(page.after) : null;
    const rows = await registerRows(scope.em, registerScope(scope, loaders, filter), {
      limit: limit + 1,
      after,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return Object.assign(new AccessCodeRegisterPage(), {
      items: items.map((r) => registerEntry(r, lang)),
      nextCursor: rows.length > limit ? encodeCursor(last.issued_key, last.id) : null,
    });
  }

  /** Every line of the register, for the sheet to sign (not paged). */
  private async allEntries(
    scope: Scope,
    loaders: PeopleLoaders,
    filter: RegisterFilter,
    lang: Lang,
  ): Promise<AccessCodeEntry[]> {
    const rows = await registerRows(scope.em, registerScope(scope, loaders, filter), {
      limit: null,
      after: null,
    });
    return rows.map((r) => registerEntry(r, lang));
  }

  /** The register as a printable sheet with a column for the recipients' signatures. */
  async registerPdf(
    scope: Scope,
    loaders: PeopleLoaders,
    filter: RegisterFilter,
    lang: Lang,
  ): Promise<FileDownload> {
    const rows = await this.allEntries(scope, loaders, filter, lang);
    const school = await scope.em.findOneOrFail(School, scope.viewer!.schoolId);
    const bytes = await renderCodeRegister(
      {
        schoolName: school.name,
        timeZone: school.timeZone,
        title: await registerTitle(scope.em, filter, lang),
        generatedAt: this.clock.now(),
        rows: [...rows].reverse().map((r) => ({
          issuedAt: r.issuedAt,
          fullName: r.fullName,
          roleLabel: r.roleLabel,
          className: r.className,
          login: r.login,
          issuedBy: r.issuedBy ?? '',
          activatedAt: r.activatedAt,
          revokedAt: r.revokedAt,
          expiresAt: r.expiresAt,
        })),
      },
      lang,
    );
    return pdf('access-code-register.pdf', bytes);
  }
}

/** Whose codes the viewer asks for, after checking that the viewer may see them. */
function registerScope(
  { viewer }: Scope,
  loaders: PeopleLoaders,
  filter: RegisterFilter,
): RegisterScope {
  if (!viewer) throw unauthenticated();
  const classId = filter.classGroupId ? parseId('classGroupId', filter.classGroupId) : null;
  requireRegisterAccess(viewer, classId, !!filter.staff);
  return { schoolId: viewer.schoolId, classId, staff: !!filter.staff, today: loaders.today };
}

function requireRegisterAccess(viewer: Viewer, classId: number | null, staff: boolean): void {
  if (!canReadAccessRegister(viewer, { classId, staff })) throw forbidden();
}

/**
 * The codes of the people in scope, newest first, with who they are and who issued them: one
 * keyset statement on (issued_at, id) descending (decision 33); `limit` null for all of them.
 */
async function registerRows(
  em: EntityManager,
  s: RegisterScope,
  page: { limit: number | null; after: { key: string; id: number } | null },
): Promise<RegisterRow[]> {
  return em.execute<RegisterRow[]>(
    `with people as (
         select p.id from person p where p.school_id = ? and (
           (?::int is not null and (
              exists(select 1 from enrollment e where e.pupil_id = p.id and e.class_group_id = ?::int and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?))
              or exists(select 1 from guardianship g join enrollment e on e.pupil_id = g.pupil_id
                         where g.guardian_id = p.id and e.class_group_id = ?::int and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?))))
           or (?::boolean and exists(select 1 from role_grant g where g.person_id = p.id and g.role in ('SYSADMIN','DIRECTOR','DEPUTY','TEACHER')))
           or (?::int is null and not ?::boolean)))
       select c.id, c.person_id, concat_ws(' ', p.last_name, p.first_name, p.middle_name) as full_name,
              array(select g.role::text from role_grant g where g.person_id = p.id) as roles,
              (select string_agg(distinct concat(cg.grade, cg.letter), ', ') from enrollment e join class_group cg on cg.id = e.class_group_id
                where (e.pupil_id = p.id or e.pupil_id in (select g.pupil_id from guardianship g where g.guardian_id = p.id))
                  and e.starts_on <= ? and (e.ends_on is null or e.ends_on >= ?)) as class_name,
              a.login, concat_ws(' ', ib.last_name, ib.first_name, ib.middle_name) as issued_by,
              c.issued_at, c.issued_at::text as issued_key, c.expires_at, c.activated_at, c.revoked_at, c.revoked_reason
         from access_code c join people on people.id = c.person_id
         join person p on p.id = c.person_id join user_account a on a.id = c.account_id
         left join person ib on ib.id = c.issued_by_id
        where ?::timestamptz is null or (c.issued_at, c.id) < (?::timestamptz, ?::int)
        order by c.issued_at desc, c.id desc limit ?::bigint`,
    [
      s.schoolId,
      s.classId,
      s.classId,
      s.today,
      s.today,
      s.classId,
      s.today,
      s.today,
      s.staff,
      s.classId,
      s.staff,
      s.today,
      s.today,
      page.after?.key ?? null,
      page.after?.key ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}

const registerEntry = (r: RegisterRow, lang: Lang) =>
  Object.assign(new AccessCodeEntry(), {
    id: r.id,
    personId: r.person_id,
    fullName: r.full_name,
    roleLabel: roleLabel(r.roles, lang),
    className: r.class_name,
    login: r.login,
    issuedBy: r.issued_by || null,
    issuedAt: new Date(r.issued_at),
    expiresAt: new Date(r.expires_at),
    activatedAt: r.activated_at ? new Date(r.activated_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
    revokedReason: r.revoked_reason,
  });

/** «Журнал выдачи кодов доступа, 7А класс», or of staff; NOT_FOUND for a class that is not there. */
async function registerTitle(em: EntityManager, filter: RegisterFilter, lang: Lang) {
  const title = lang === 'ru' ? 'Журнал выдачи кодов доступа' : 'Register of issued access codes';
  if (filter.classGroupId) {
    const cls = await em.findOne(ClassGroup, parseId('id', filter.classGroupId));
    if (!cls) throw notFound();
    const name = `${cls.grade}${cls.letter}`;
    return title + (lang === 'ru' ? `, ${name} класс` : `, class ${name}`);
  }
  if (filter.staff) return title + (lang === 'ru' ? ': сотрудники' : ': staff');
  return title;
}
