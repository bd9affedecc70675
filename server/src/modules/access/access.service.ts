import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { IssuedCodes, AccessCodeRegisterPage, SessionInfo } from './access.types.js';
import { AccessCodesService } from './access-codes.service.js';
import { AccessRegisterService, type RegisterFilter } from './access-register.service.js';
import { ActivationService } from './activation.service.js';
import { OwnAccountService } from './own-account.service.js';
import type { UserAccount } from '../people/user-account.entity.js';
import type { FileDownload } from '../people/people.types.js';
import type { PeopleLoaders } from '../people/people.loaders.js';
import type { LoginRateLimiter } from '../../auth/rate-limit.js';
import type { SessionService } from '../../auth/session.service.js';
import type { Scope } from '../../scope.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../clock.js';
import type { Lang } from '../../documents/pdf.js';

/**
 * Access codes handed out against a signature: staff by the SYSADMIN, pupils and parents
 * by their class teacher; activation with a new password; the register; one's own sessions. The
 * area's one entry point for the resolvers; each part is its own service:
 * access-codes (issue, revoke), access-register, activation, own-account (password, sessions).
 */
export class AccessService {
  private readonly codes: AccessCodesService;
  private readonly codeRegister: AccessRegisterService;
  private readonly activation: ActivationService;
  private readonly own: OwnAccountService;

  constructor(
    config: Config,
    sessions: SessionService,
    activationLimiter: LoginRateLimiter,
    knex: Knex,
    clock: Clock,
  ) {
    this.codes = new AccessCodesService(config, sessions, knex);
    this.codeRegister = new AccessRegisterService(clock);
    this.activation = new ActivationService(sessions, activationLimiter);
    this.own = new OwnAccountService(sessions);
  }

  issue(
    scope: Scope,
    loaders: PeopleLoaders,
    personIds: string[],
    lang: Lang,
    origin: string,
  ): Promise<IssuedCodes> {
    return this.codes.issue(scope, loaders, personIds, lang, origin);
  }

  revoke(scope: Scope, loaders: PeopleLoaders, id: string): Promise<boolean> {
    return this.codes.revoke(scope, loaders, id);
  }

  register(
    scope: Scope,
    loaders: PeopleLoaders,
    filter: RegisterFilter,
    lang: Lang,
    page: { first: number; after?: string | null },
  ): Promise<AccessCodeRegisterPage> {
    return this.codeRegister.register(scope, loaders, filter, lang, page);
  }

  registerPdf(
    scope: Scope,
    loaders: PeopleLoaders,
    filter: RegisterFilter,
    lang: Lang,
  ): Promise<FileDownload> {
    return this.codeRegister.registerPdf(scope, loaders, filter, lang);
  }

  activate(
    em: EntityManager,
    login: string,
    code: string,
    password: string,
    address: string,
  ): Promise<UserAccount> {
    return this.activation.activate(em, login, code, password, address);
  }

  changePassword(scope: Scope, current: string, next: string): Promise<boolean> {
    return this.own.changePassword(scope, current, next);
  }

  mySessions(scope: Scope): Promise<SessionInfo[]> {
    return this.own.mySessions(scope);
  }

  endSession(scope: Scope, id: string): Promise<boolean> {
    return this.own.endSession(scope, id);
  }

  endOtherSessions(scope: Scope): Promise<number[]> {
    return this.own.endOtherSessions(scope);
  }
}
