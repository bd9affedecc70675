import type { EntityManager } from '@mikro-orm/postgresql';
import { UserAccount } from '../modules/people/user-account.entity.js';
import { DomainError, badInput } from '../errors.js';
import { verifyPassword } from './password.js';
import type { LoginRateLimiter } from './rate-limit.js';
import type { SessionService } from './session.service.js';
import { log } from '../log.js';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  account: UserAccount;
}

export class AuthService {
  constructor(
    private readonly sessions: SessionService,
    private readonly limiter: LoginRateLimiter,
  ) {}

  async login(
    em: EntityManager,
    rawLogin: string,
    password: string,
    address: string,
    userAgent?: string,
  ): Promise<LoginResult> {
    const login = rawLogin.trim().toLowerCase();
    if (!login) throw badInput('login', 'REQUIRED', 'Enter your login');
    if (!password) throw badInput('password', 'REQUIRED', 'Enter your password');
    if (login.length > 100 || password.length > 200) {
      throw new DomainError('UNAUTHENTICATED', 'Wrong login or password', {
        reason: 'BAD_CREDENTIALS',
      });
    }
    await this.limiter.check(login, address);
    const account = await em.findOne(
      UserAccount,
      { login, active: true },
      { filters: false, populate: ['passwordHash'] },
    );
    const ok = await verifyPassword(account?.passwordHash ?? null, password);
    if (!account || !ok) {
      await this.limiter.recordFailure(login, address);
      log.info('sign-in refused', { accountId: account?.id ?? null });
      throw new DomainError('UNAUTHENTICATED', 'Wrong login or password', {
        reason: 'BAD_CREDENTIALS',
      });
    }
    await this.limiter.recordSuccess(login, address);
    const { token, expiresAt } = await this.sessions.create(em, account, userAgent);
    log.info('signed in', { accountId: account.id });
    return { token, expiresAt, account };
  }
}
