import { SessionInfo } from './access.types.js';
import { Person } from '../people/person.entity.js';
import { UserAccount } from '../people/user-account.entity.js';
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { requireStrongPassword } from '../../auth/password-strength.js';
import type { SessionService } from '../../auth/session.service.js';
import { Session } from '../../auth/session.entity.js';
import { audit } from '../audit/audit.js';
import { badInput, notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';

/** One's own password and sessions. */
export class OwnAccountService {
  constructor(private readonly sessions: SessionService) {}

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

  async endOtherSessions({ em, viewer }: Scope): Promise<number[]> {
    if (!viewer) throw unauthenticated();
    return this.sessions.revokeOthers(em, viewer.accountId, viewer.sessionId);
  }
}
