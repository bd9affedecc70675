import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { AccessCode } from './access-code.entity.js';
import { hashCode, loginBase, newAccessCode } from './codes.js';
import { IssuedCode, IssuedCodes } from './access.types.js';
import { pdf, roleLabel } from './access.format.js';
import { hasStaffRole } from '../../auth/role.js';
import { UserAccount } from '../people/user-account.entity.js';
import { LOGIN_PATTERN } from '../people/staff.service.js';
import { PersonRecord, type PersonData } from '../people/people.types.js';
import type { PeopleLoaders } from '../people/people.loaders.js';
import { School } from '../school/school.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import type { SessionService } from '../../auth/session.service.js';
import { audit } from '../audit/audit.js';
import { DomainError, badInput, notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { Config } from '../../config.js';
import { log } from '../../log.js';
import { renderAccessSlips, type Lang } from '../../documents/pdf.js';

const MAX_BATCH = 100;

/**
 * Issuing and revoking access codes: staff by the SYSADMIN, pupils and parents by their
 * class teacher.
 */
export class AccessCodesService {
  private readonly issueLimit: RateLimiterPostgres;

  constructor(
    private readonly config: Config,
    private readonly sessions: SessionService,
    knex: Knex,
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
    const people = await this.issuable(viewer, loaders, personIds);
    await this.consumeIssueLimit(viewer, people.length);
    const expiresAt = new Date(Date.now() + this.config.accessCodes.validDays * 86_400_000);
    const codes = await em.transactional(async (tem) => {
      const out: IssuedCode[] = [];
      for (const r of people) out.push(await this.issueOne(tem, viewer, r, expiresAt));
      return out;
    });
    log.info('access codes issued', { count: codes.length, by: viewer.personId });
    const slips = await this.slips(em, viewer, people, codes, { lang, origin, expiresAt });
    return Object.assign(new IssuedCodes(), { codes, slips: pdf('access-slips.pdf', slips) });
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

  private mayIssue(viewer: Viewer, r: PersonRecord): boolean {
    const staff = hasStaffRole(r.roles);
    return staff ? policy.can(viewer, Permission.StaffManage) : r.manageable;
  }

  /** The people's records, once each; FORBIDDEN, naming them by index, for any not the viewer's. */
  private async issuable(
    viewer: Viewer,
    loaders: PeopleLoaders,
    personIds: string[],
  ): Promise<PersonRecord[]> {
    if (personIds.length === 0 || personIds.length > MAX_BATCH) {
      throw badInput('personIds', 'OUT_OF_RANGE', `Issue from 1 to ${MAX_BATCH} codes at a time`);
    }
    const ids = [...new Set(personIds.map((id) => parseId('personIds', id)))];
    const records = await loaders.record.loadMany(ids);
    const entries = records.flatMap((r, index) =>
      r instanceof PersonRecord && this.mayIssue(viewer, r)
        ? []
        : [
            {
              index,
              reason: 'FORBIDDEN' as const,
              message: 'You do not issue codes to this person',
            },
          ],
    );
    if (entries.length > 0) {
      throw new DomainError('FORBIDDEN', 'Some of these people are not yours to issue codes to', {
        entries,
      });
    }
    return records as PersonRecord[];
  }

  private async consumeIssueLimit(viewer: Viewer, count: number): Promise<void> {
    try {
      await this.issueLimit.consume(String(viewer.personId), count);
    } catch {
      throw new DomainError('RATE_LIMITED', 'Too many codes issued in an hour', {
        retryAfterSeconds: 3600,
      });
    }
  }

  /** One person's new code: open codes revoked, a signed-in account's password and sessions ended. */
  private async issueOne(
    em: EntityManager,
    viewer: Viewer,
    r: PersonRecord,
    expiresAt: Date,
  ): Promise<IssuedCode> {
    const account = await this.accountFor(em, viewer, r.person);
    const code = newAccessCode();
    await em.execute(
      `update access_code set revoked_at = now(), revoked_reason = 'REISSUED'
            where account_id = ? and activated_at is null and revoked_at is null`,
      [account.id],
    );
    if (account.passwordHash) {
      await em.execute(`update user_account set password_hash = null where id = ?`, [account.id]);
      await this.sessions.revokeAllOf(em, account.id);
    }
    const row = em.create(AccessCode, {
      school: viewer.schoolId,
      account: account.id,
      person: r.id,
      codeHash: hashCode(code),
      issuedBy: viewer.personId,
      expiresAt,
    });
    await em.flush();
    audit(em, viewer, 'access_code', row.id, 'issue', null, { personId: r.id });
    const issued = { personId: r.id, fullName: r.fullName, login: account.login, code, expiresAt };
    return Object.assign(new IssuedCode(), issued);
  }

  /** The person's account, made now (with a free login from their name) when they have none. */
  private async accountFor(em: EntityManager, viewer: Viewer, person: PersonData) {
    const found = await em.findOne(
      UserAccount,
      { person: person.id },
      { populate: ['passwordHash'] },
    );
    if (found) return found;
    const account = em.create(UserAccount, {
      school: viewer.schoolId,
      person: person.id,
      login: await this.freeLogin(em, person),
      passwordHash: null,
    });
    await em.flush();
    return account;
  }

  /** Their transliterated name, numbered from 2 when taken; `user<id>` when the name gives none. */
  private async freeLogin(em: EntityManager, person: PersonData): Promise<string> {
    const base = loginBase(person.lastName, person.firstName);
    const rows = await em.execute<{ login: string }[]>(
      `select login from user_account where login = ? or login like ?`,
      [base, `${base}%`],
    );
    const taken = new Set(rows.map((r) => r.login));
    let login = base;
    for (let n = 2; taken.has(login); n++) login = `${base}${n}`;
    return LOGIN_PATTERN.test(login) ? login : `user${person.id}`;
  }

  /** The printable slips: one per person, with the login, the code and where to sign in. */
  private async slips(
    em: EntityManager,
    viewer: Viewer,
    people: PersonRecord[],
    codes: IssuedCode[],
    { lang, origin, expiresAt }: { lang: Lang; origin: string; expiresAt: Date },
  ): Promise<Buffer> {
    const school = await em.findOneOrFail(School, viewer.schoolId);
    const classes = await this.classNames(em, people);
    return renderAccessSlips(
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
