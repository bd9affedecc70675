import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessCode } from './access-code.entity.js';
import { hashCode } from './codes.js';
import { Person } from '../people/person.entity.js';
import { UserAccount } from '../people/user-account.entity.js';
import { hashPassword } from '../../auth/password.js';
import { requireStrongPassword } from '../../auth/password-strength.js';
import type { LoginRateLimiter } from '../../auth/rate-limit.js';
import type { SessionService } from '../../auth/session.service.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { DomainError, badInput } from '../../errors.js';
import { log } from '../../log.js';

/** The same answer for an unknown login, a wrong code and a spent one. */
const refused = () =>
  new DomainError('UNAUTHENTICATED', 'Wrong login or code', { reason: 'BAD_CODE' });

/** First sign-in with the code from a slip. */
export class ActivationService {
  constructor(
    private readonly sessions: SessionService,
    private readonly limiter: LoginRateLimiter,
  ) {}

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
    const login = checkActivationInput(rawLogin, code);
    await this.limiter.check(login, address);
    const account = await em.findOne(UserAccount, { login, active: true }, { filters: false });
    const row = account ? await openCode(em, account, code) : null;
    if (!account || !row) return this.refuse(em, account, login, address);
    if (row.expiresAt.getTime() <= Date.now()) {
      throw new DomainError('UNAUTHENTICATED', 'This code has expired: ask for a new one', {
        reason: 'CODE_EXPIRED',
      });
    }
    const person = await em.findOneOrFail(Person, account.person.id, { filters: false });
    requireStrongPassword(password, [login, person.lastName, person.firstName]);
    const passwordHash = await hashPassword(password);
    await em.transactional((tem) => this.spend(tem, account, person, row, passwordHash));
    await this.limiter.recordSuccess(login, address);
    log.info('access code activated', { accountId: account.id });
    return account;
  }

  /** Counts the failure against the login and the address, audits it on a known account, and refuses. */
  private async refuse(
    em: EntityManager,
    account: UserAccount | null,
    login: string,
    address: string,
  ): Promise<never> {
    await this.limiter.recordFailure(login, address);
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

  /** Spends the code (unless another activation spent it first), sets the password, ends sessions. */
  private async spend(
    em: EntityManager,
    account: UserAccount,
    person: Person,
    row: AccessCode,
    passwordHash: string,
  ): Promise<void> {
    const spent = await em.execute<{ id: number }[]>(
      `update access_code set activated_at = now() where id = ? and activated_at is null and revoked_at is null returning id`,
      [row.id],
    );
    if (spent.length === 0) throw refused();
    await em.execute(
      `update user_account set password_hash = ?, password_changed_at = now() where id = ?`,
      [passwordHash, account.id],
    );
    await this.sessions.revokeAllOf(em, account.id);
    em.create(AuditEvent, {
      school: account.school,
      actorId: person.id,
      entity: 'access_code',
      entityId: row.id,
      action: 'activate',
    });
  }
}

/** The login as stored (trimmed, lower case); what is plainly not a login and a code is refused. */
function checkActivationInput(rawLogin: string, code: string): string {
  const login = rawLogin.trim().toLowerCase();
  if (!login) throw badInput('login', 'REQUIRED', 'Enter your login');
  if (!code.trim()) throw badInput('code', 'REQUIRED', 'Enter the code from your slip');
  if (login.length > 100 || code.length > 40) throw refused();
  return login;
}

/** The account's code with this text, neither spent nor revoked. */
function openCode(em: EntityManager, account: UserAccount, code: string) {
  return em.findOne(
    AccessCode,
    { account: account.id, codeHash: hashCode(code), activatedAt: null, revokedAt: null },
    { filters: false },
  );
}
