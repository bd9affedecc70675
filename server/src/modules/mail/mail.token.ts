import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Which mail a link unsubscribes from: the digest, or the weekly report. */
export type MailList = 'digest' | 'report';

export interface Unsubscribe {
  personId: number;
  list: MailList;
  /** Seconds since the epoch after which the link no longer works. */
  expires: number;
}

/** A link works for this long after its mail was sent. */
export const TOKEN_DAYS = 90;

const LISTS: Record<MailList, string> = { digest: 'd', report: 'r' };

const mac = (secret: Buffer, body: string) =>
  createHmac('sha256', secret).update(body).digest('base64url');

/**
 * `personId.list.expires.mac`: the person, the list and the expiry in the clear (nothing
 * personal), HMAC-SHA256 over them with the deployment's secret (`mail_secret`, decision 55).
 */
export function signUnsubscribe(secret: Buffer, u: Unsubscribe): string {
  const body = `${u.personId}.${LISTS[u.list]}.${u.expires}`;
  return `${body}.${mac(secret, body)}`;
}

/** The link's claim when its signature holds and it has not expired; otherwise null. */
export function verifyUnsubscribe(secret: Buffer, token: string, now: Date): Unsubscribe | null {
  const m = /^(\d{1,10})\.([dr])\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const expected = Buffer.from(mac(secret, `${m[1]}.${m[2]}.${m[3]}`));
  if (!timingSafeEqual(expected, Buffer.from(m[4]))) return null;
  const expires = Number(m[3]);
  if (expires * 1000 < now.getTime()) return null;
  return { personId: Number(m[1]), list: m[2] === 'd' ? 'digest' : 'report', expires };
}

/** The deployment's signing secret, made by the migration and kept with the data. */
export async function mailSecret(em: EntityManager): Promise<Buffer> {
  const [row] = await em.execute<{ secret: Buffer }[]>(
    `select secret from mail_secret where id = 1`,
  );
  return row.secret;
}
