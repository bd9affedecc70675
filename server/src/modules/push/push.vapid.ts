import webpush from 'web-push';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The server's VAPID keys: the configuration's, or those kept in the database, made at the first
 * start that needed them (decision 54). Every process of one database signs with the same keys,
 * so a subscription made through one is served by all.
 */
export async function loadVapidKeys(
  em: EntityManager,
  configured: VapidKeys | undefined,
): Promise<VapidKeys> {
  if (configured) return configured;
  const made = webpush.generateVAPIDKeys();
  // The first process to get here stores its pair; the others read that one back.
  await em.execute(
    `insert into push_vapid (id, public_key, private_key) values (1, ?, ?) on conflict (id) do nothing`,
    [made.publicKey, made.privateKey],
  );
  const [row] = await em.execute<{ publicKey: string; privateKey: string }[]>(
    `select public_key as "publicKey", private_key as "privateKey" from push_vapid where id = 1`,
  );
  return row;
}
