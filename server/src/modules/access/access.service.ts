import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { AccessCode } from './access-code.entity.js';
import { hashCode, loginBase, newAccessCode } from './codes.js';
import { IssuedCode, IssuedCodes, AccessCodeEntry, SessionInfo } from './access.types.js';
import { Person } from '../people/person.entity.js';
import { Role, hasStaffRole } from '../../auth/role.js';
import { UserAccount } from '../people/user-account.entity.js';
import { LOGIN_PATTERN } from '../people/staff.service.js';
import { FileDownload, PersonRecord } from '../people/people.types.js';
import type { PeopleLoaders } from '../people/people.loaders.js';
import { School } from '../school/school.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { requireStrongPassword } from '../../auth/password-strength.js';
import type { LoginRateLimiter } from '../../auth/rate-limit.js';
import type { SessionService } from '../../auth/session.service.js';
import { Session } from '../../auth/session.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { audit } from '../audit/audit.js';
import { DomainError, badInput, forbidden, notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../clock.js';
import { log } from '../../log.js';
import { renderAccessSlips, renderCodeRegister, type Lang } from '../../documents/pdf.js';

const MAX_BATCH = 100;

const ROLE_LABELS: Record<Lang, Record<Role, string>> = {
  ru: {
    SYSADMIN: 'системный администратор',
    DIRECTOR: 'директор',
    DEPUTY: 'заместитель директора',
    TEACHER: 'учитель',
    STUDENT: 'ученик',
    PARENT: 'родитель',
  },
  en: {
    SYSADMIN: 'system administrator',
    DIRECTOR: 'director',
    DEPUTY: 'deputy director',
    TEACHER: 'teacher',
    STUDENT: 'pupil',
    PARENT: 'parent',
  },
};
const ROLE_ORDER = Object.values(Role);
export const roleLabel = (roles: Role[], lang: Lang) =>
  [...roles]
    .sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b))
    .map((r) => ROLE_LABELS[lang][r])
    .join(', ');

const pdf = (filename: string, bytes: Buffer) =>
  Object.assign(new FileDownload(), {
    filename,
    contentType: 'application/pdf',
    base64: bytes.toString('base64'),
  });

/**
 * Access codes handed out against a signature: staff by the SYSADMIN, pupils and parents
 * by their class teacher; activation with a new password; the register; one's own sessions.
 */
export class AccessService {
  private readonly issueLimit: RateLimiterPostgres;

  constructor(
    private readonly config: Config,
    private readonly sessions: SessionService,
    private readonly activationLimiter: LoginRateLimiter,
    knex: Knex,
    private readonly clock: Clock,
  ) {
    this.issueLimit = new RateLimiterPostgres({
      storeClient: knex,
      storeType: 'knex',
      tableName: 'login_rate_limit',
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: 'issue',
      points: config.accessCodes.perHour,
      duration: 3600,
    });
  }

  /**
   * New codes for these people: a login is made for those without one, any code still open is
   * revoked, and for someone who could already sign in the password and sessions end: access
   * starts afresh with the new code. The codes are in the answer once, and on printable slips.
   */
  async issue(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    personIds: string[],
    lang: Lang,
    origin: string,
  ): Promise<IssuedCodes> {
    if (!viewer) throw unauthenticated();
    if (personIds.length === 0 || personIds.length > MAX_BATCH) {
      throw badInput('personIds', 'OUT_OF_RANGE', `Issue from 1 to ${MAX_BATCH} codes at a time`);
    }
    const ids = [...new Set(personIds.map((id) => parseId('personIds', id)))];
    const records = await loaders.record.loadMany(ids);
    const entries = records.flatMap((r, index) =>
      r instanceof PersonRecord && this.mayIssue(viewer, r)
        ? []
        : [{ index, reason: 'FORBIDDEN', message: 'You do not issue codes to this person' }],
    );
    if (entries.length > 0) {
      throw new DomainError('FORBIDDEN', 'Some of these people are not yours to issue codes to', {
        entries,
      });
    }
    try {
      await this.issueLimit.consume(String(viewer.personId), ids.length);
    } catch {
      throw new DomainError('RATE_LIMITED', 'Too many codes issued in an hour', {
        retryAfterSeconds: 3600,
      });
    }
    const people = records as PersonRecord[];
    const expiresAt = new Date(Date.now() + this.config.accessCodes.validDays * 86_400_000);
    const codes = await em.transactional(async (tem) => {
      const out: IssuedCode[] = [];
      for (const r of people) {
        const account = await this.accountFor(tem, viewer, r.person);
        const code = newAccessCode();
        await tem.execute(
          `update access_code set revoked_at = now(), revoked_reason = 'REISSUED'
            where account_id = ? and activated_at is null and revoked_at is null`,
          [account.id],
        );
        if (account.passwordHash) {
          await tem.execute(`update user_account set password_hash = null where id = ?`, [
            account.id,
          ]);
          await this.sessions.revokeAllOf(tem, account.id);
        }
        const row = tem.create(AccessCode, {
          school: viewer.schoolId,
          account: account.id,
          person: r.id,
          codeHash: hashCode(code),
          issuedBy: viewer.personId,
          expiresAt,
        });
        await tem.flush();
        audit(tem, viewer, 'access_code', row.id, 'issue', null, { personId: r.id });
        out.push(
          Object.assign(new IssuedCode(), {
            personId: r.id,
            fullName: r.fullName,
            login: account.login,
            code,
            expiresAt,
          }),
        );
      }
      return out;
    });
    log.info('access codes issued', { count: codes.length, by: viewer.personId });
    const school = await em.findOneOrFail(School, viewer.schoolId);
    const classes = await this.classNames(em, people);
    const bytes = await renderAccessSlips(
      {
        schoolName: school.name,
        timeZone: school.timeZone,
        signInUrl: this.config.publicUrl ?? origin,
        validUntil: expiresAt,
        people: codes.map((c, i) => ({
          fullName: c.fullName,
          roleLabel: roleLabel(people[i].roles, lang),
          className: classes.get(people[i].id) ?? null,
          login: c.login,
          code: c.code,
        })),
      },
      lang,
    );
    return Object.assign(new IssuedCodes(), { codes, slips: pdf('access-slips.pdf', bytes) });
  }

  /** Withdraws a code not yet used. */
  async revoke({ em, viewer }: Scope, loaders: PeopleLoaders, id: string): Promise<boolean> {
    if (!viewer) throw unauthenticated();
    const code = await em.findOne(AccessCode, { id: parseId('id', id), school: viewer.schoolId });
    if (!code) throw notFound();
    const record = await loaders.record.load(code.person.id);
    if (!record || !this.mayIssue(viewer, record)) throw notFound();
    if (code.activatedAt || code.revokedAt) {
      throw new DomainError('CONFLICT', 'This code is already used or revoked', {
        reason: 'CODE_CLOSED',
      });
    }
    await em.transactional(async (tem) => {
      await tem.execute(
        `update access_code set revoked_at = now(), revoked_reason = 'REVOKED' where id = ?`,
        [code.id],
      );
      audit(tem, viewer, 'access_code', code.id, 'revoke', null, null);
    });
    return true;
  }

  /**
   * The register: the SYSADMIN sees codes of staff, a class teacher those of their class's pupils
   * and parents, the administration everything.
   */
  async register(
    { em, viewer }: Scope,
    loaders: PeopleLoaders,
    filter: { classGroupId?: string | null; staff?: boolean | null },
    lang: Lang,
  ): Promise<AccessCodeEntry[]> {
    if (!viewer) throw unauthenticated();
    const classId = filter.classGroupId ? parseId('classGroupId', filter.classGroupId) : null;
    const all = policy.can(viewer, Permission.AccessRegisterReadAll);
    if (classId && !all && !viewer.ledClassIds.includes(classId)) throw forbidden();
    if (filter.staff && !all && !policy.can(viewer, Permission.StaffManage)) throw forbidden();
    if (!classId && !filter.staff && !all) throw forbidden();
    const today = loaders.today;
    const rows = await em.execute<
      {
        id: number;
        person_id: number;
        full_name: string;
        roles: Role[];
        class_name: string | null;
        login: string;
        issued_by: string | null;
        issued_at: Date;
        expires_at: Date;
        activated_at: Date | null;
        revoked_at: Date | null;
        revoked_reason: string | null;
      }[]
    >(
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
              c.issued_at, c.expires_at, c.activated_at, c.revoked_at, c.revoked_reason
         from access_code c join people on people.id = c.person_id
         join person p on p.id = c.person_id join user_account a on a.id = c.account_id
         left join person ib on ib.id = c.issued_by_id
        order by c.issued_at desc, c.id desc limit 2000`,
      [
        viewer.schoolId,
        classId,
        classId,
        today,
        today,
        classId,
        today,
        today,
        !!filter.staff,
        classId,
        !!filter.staff,
        today,
        today,
      ],
    );
    return rows.map((r) =>
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
      }),
    );
  }

  /** The register as a printable sheet with a column for the recipients' signatures. */
  async registerPdf(
    scope: Scope,
    loaders: PeopleLoaders,
    filter: { classGroupId?: string | null; staff?: boolean | null },
    lang: Lang,
  ): Promise<FileDownload> {
    const rows = await this.register(scope, loaders, filter, lang);
    const school = await scope.em.findOneOrFail(School, scope.viewer!.schoolId);
    let title = lang === 'ru' ? 'Журнал выдачи кодов доступа' : 'Register of issued access codes';
    if (filter.classGroupId) {
      const cls = await scope.em.findOne(ClassGroup, parseId('id', filter.classGroupId));
      if (!cls) throw notFound();
      title +=
        lang === 'ru' ? `, ${cls.grade}${cls.letter} класс` : `, class ${cls.grade}${cls.letter}`;
    } else if (filter.staff) {
      title += lang === 'ru' ? ': сотрудники' : ': staff';
    }
    const bytes = await renderCodeRegister(
      {
        schoolName: school.name,
        timeZone: school.timeZone,
        title,
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

  /**
   * First sign-in: the login and the code from the slip, and a new password. The code is spent,
   * every other session of the account ends, and a session starts. Failures are rate-limited per
   * login and per address, and audited.
   */
  async activate(
    em: EntityManager,
    rawLogin: string,
    code: string,
    password: string,
    address: string,
  ): Promise<UserAccount> {
    const login = rawLogin.trim().toLowerCase();
    if (!login) throw badInput('login', 'REQUIRED', 'Enter your login');
    if (!code.trim()) throw badInput('code', 'REQUIRED', 'Enter the code from your slip');
    const refused = () =>
      new DomainError('UNAUTHENTICATED', 'Wrong login or code', { reason: 'BAD_CODE' });
    if (login.length > 100 || code.length > 40) throw refused();
    await this.activationLimiter.check(login, address);
    const account = await em.findOne(UserAccount, { login, active: true }, { filters: false });
    const row = account
      ? await em.findOne(
          AccessCode,
          { account: account.id, codeHash: hashCode(code), activatedAt: null, revokedAt: null },
          { filters: false },
        )
      : null;
    if (!account || !row) {
      await this.activationLimiter.recordFailure(login, address);
      if (account) {
        em.create(AuditEvent, {
          school: account.school,
          actorId: account.person.id,
          entity: 'user_account',
          entityId: account.id,
          action: 'activate-failed',
        });
        await em.flush();
      }
      log.info('activation refused', { accountId: account?.id ?? null });
      throw refused();
    }
    if (row.expiresAt.getTime() <= Date.now()) {
      throw new DomainError('UNAUTHENTICATED', 'This code has expired: ask for a new one', {
        reason: 'CODE_EXPIRED',
      });
    }
    const person = await em.findOneOrFail(Person, account.person.id, { filters: false });
    requireStrongPassword(password, [login, person.lastName, person.firstName]);
    const passwordHash = await hashPassword(password);
    await em.transactional(async (tem) => {
      const spent = await tem.execute<{ id: number }[]>(
        `update access_code set activated_at = now() where id = ? and activated_at is null and revoked_at is null returning id`,
        [row.id],
      );
      if (spent.length === 0) throw refused();
      await tem.execute(
        `update user_account set password_hash = ?, password_changed_at = now() where id = ?`,
        [passwordHash, account.id],
      );
      await this.sessions.revokeAllOf(tem, account.id);
      tem.create(AuditEvent, {
        school: account.school,
        actorId: person.id,
        entity: 'access_code',
        entityId: row.id,
        action: 'activate',
      });
    });
    await this.activationLimiter.recordSuccess(login, address);
    log.info('access code activated', { accountId: account.id });
    return account;
  }

  async changePassword({ em, viewer }: Scope, current: string, next: string): Promise<boolean> {
    if (!viewer) throw unauthenticated();
    const account = await em.findOneOrFail(
      UserAccount,
      { id: viewer.accountId },
      { populate: ['passwordHash'] },
    );
    if (!(await verifyPassword(account.passwordHash ?? null, current))) {
      throw badInput('currentPassword', 'WRONG_PASSWORD', 'The current password is wrong');
    }
    const person = await em.findOneOrFail(Person, viewer.personId);
    requireStrongPassword(
      next,
      [viewer.login, person.lastName, person.firstName, current],
      'newPassword',
    );
    const passwordHash = await hashPassword(next);
    await em.transactional(async (tem) => {
      await tem.execute(
        `update user_account set password_hash = ?, password_changed_at = now() where id = ?`,
        [passwordHash, account.id],
      );
      // Other sign-ins end: whoever knew the old password is out.
      await this.sessions.revokeOthers(tem, account.id, viewer.sessionId);
      audit(tem, viewer, 'user_account', account.id, 'password', null, null);
    });
    return true;
  }

  async mySessions({ em, viewer }: Scope): Promise<SessionInfo[]> {
    if (!viewer) throw unauthenticated();
    const rows = await em.find(
      Session,
      { account: viewer.accountId, revokedAt: null, expiresAt: { $gt: new Date() } },
      { orderBy: { lastSeenAt: 'desc' } },
    );
    return rows.map((s) =>
      Object.assign(new SessionInfo(), {
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        userAgent: s.userAgent ?? null,
        current: s.id === viewer.sessionId,
      }),
    );
  }

  /** Ends one of one's own sessions (any other id is as if it did not exist). */
  async endSession({ em, viewer }: Scope, id: string): Promise<boolean> {
    if (!viewer) throw unauthenticated();
    const s = await em.findOne(Session, {
      id: parseId('id', id),
      account: viewer.accountId,
      revokedAt: null,
    });
    if (!s) throw notFound();
    await this.sessions.revoke(em, s.id);
    return true;
  }

  async endOtherSessions({ em, viewer }: Scope): Promise<number> {
    if (!viewer) throw unauthenticated();
    return this.sessions.revokeOthers(em, viewer.accountId, viewer.sessionId);
  }

  private mayIssue(viewer: Viewer, r: PersonRecord): boolean {
    const staff = hasStaffRole(r.roles);
    return staff ? policy.can(viewer, Permission.StaffManage) : r.manageable;
  }

  /** The person's account, made now (with a free login from their name) when they have none. */
  private async accountFor(em: EntityManager, viewer: Viewer, person: Person) {
    const found = await em.findOne(
      UserAccount,
      { person: person.id },
      { populate: ['passwordHash'] },
    );
    if (found) return found;
    const base = loginBase(person.lastName, person.firstName);
    const taken = new Set(
      (
        await em.execute<{ login: string }[]>(
          `select login from user_account where login = ? or login like ?`,
          [base, `${base}%`],
        )
      ).map((r) => r.login),
    );
    let login = base;
    for (let n = 2; taken.has(login); n++) login = `${base}${n}`;
    if (!LOGIN_PATTERN.test(login)) login = `user${person.id}`;
    const account = em.create(UserAccount, {
      school: viewer.schoolId,
      person: person.id,
      login,
      passwordHash: null,
    });
    await em.flush();
    return account;
  }

  private async classNames(em: EntityManager, people: PersonRecord[]) {
    const classIds = [...new Set(people.flatMap((p) => p.classIds))];
    const classes = await em.find(ClassGroup, { id: { $in: classIds } });
    const name = new Map(classes.map((c) => [c.id, `${c.grade}${c.letter}`]));
    return new Map(
      people.map((p) => [
        p.id,
        p.classIds
          .map((c) => name.get(c))
          .filter(Boolean)
          .join(', ') || null,
      ]),
    );
  }
}
