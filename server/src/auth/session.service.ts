import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Session } from './session.entity.js';
import { publish } from '../events/outbox.js';
import { hashToken, type Viewer } from './viewer.js';
import type { UserAccount } from '../modules/people/user-account.entity.js';

export const SESSION_COOKIE = 'otmetka_session';

export class SessionService {
  constructor(private readonly ttlMs: number) {}

  /** Creates a session and returns the token for the cookie; only its hash is stored. */
  async create(
    em: EntityManager,
    account: UserAccount,
    userAgent?: string,
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    em.create(Session, {
      school: account.school,
      account,
      tokenHash: hashToken(token),
      expiresAt,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    await em.flush();
    return { token, expiresAt };
  }

  /** Ends a session; every server process closes its sockets (SESSION_REVOKED on the event bus). */
  async revoke(em: EntityManager, sessionId: number): Promise<void> {
    await this.revokeWhere(em, `id = ?`, [sessionId]);
  }

  async revokeAllOf(em: EntityManager, accountId: number): Promise<void> {
    await this.revokeWhere(em, `account_id = ?`, [accountId]);
  }

  /** Ends every session of the account but one (the caller's); answers how many ended. */
  /** Ends the account's other sessions; answers the ids of those it ended. */
  async revokeOthers(em: EntityManager, accountId: number, keepId: number): Promise<number[]> {
    return this.revokeWhere(em, `account_id = ? and id <> ?`, [accountId, keepId]);
  }

  private async revokeWhere(em: EntityManager, where: string, params: number[]): Promise<number[]> {
    const rows = await em.execute<{ id: number; school_id: number }[]>(
      `update session set revoked_at = now() where ${where} and revoked_at is null returning id, school_id`,
      params,
    );
    for (const r of rows) {
      await publish(em, r.school_id, [{ type: 'SESSION_REVOKED', payload: { sessionId: r.id } }]);
    }
    return rows.map((r) => r.id);
  }

  /**
   * Notes activity at most once a minute, so a busy page does not write on every request. The
   * request's unit of work is read only then (`at.em`: made on first use).
   */
  async touch(at: { readonly em: EntityManager }, viewer: Viewer): Promise<void> {
    if (Date.now() - viewer.lastSeenAt.getTime() < 60_000) return;
    await at.em.nativeUpdate(
      Session,
      { id: viewer.sessionId },
      { lastSeenAt: new Date() },
      { filters: false },
    );
  }
}
