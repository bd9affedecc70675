import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import { badInput, DomainError } from '../errors.js';
import { prepared } from './prepared.js';

const KEY = /^[A-Za-z0-9_-]{8,100}$/;

/** The key as given, checked (8–100 of A–Z, a–z, 0–9, `-`, `_`: a UUID fits), or null for none. */
export function idempotencyKey(key: string | null | undefined): string | null {
  if (key == null) return null;
  if (!KEY.test(key)) {
    throw badInput(
      'idempotencyKey',
      'INVALID_IDEMPOTENCY_KEY',
      'An idempotency key is 8–100 letters, digits, hyphens or underscores',
    );
  }
  return key;
}

/**
 * Takes the key for this request, first in the caller's transaction, and drops a few keys older
 * than a day on the way (skipping any another transaction holds, so writers never wait on the
 * clean-up). A transaction that holds the same key uncommitted makes this wait on the primary
 * key until it ends: then the key is ours (it rolled back) or its answer is stored (it committed).
 */
const CLAIM_SQL = `with expired as (delete from idempotent_request where ctid = any(array(
                      select ctid from idempotent_request where created_at < now() - interval '24 hours'
                         and not (account_id = ? and key = ?) limit 20 for update skip locked)))
                   insert into idempotent_request (account_id, key, school_id, operation, request_hash)
                   values (?, ?, ?, ?, ?) on conflict (account_id, key) do nothing returning true as claimed`;

const STORED_SQL = `select operation, request_hash as "requestHash", response from idempotent_request
                     where account_id = ? and key = ?`;

const ANSWER_SQL = `update idempotent_request set response = ?::jsonb where account_id = ? and key = ?`;

export type Claim<T> = { replay: T } | { answer(response: T): Promise<void> };

/**
 * For a batch write with an idempotency key (decision 30): either the answer it got before (the
 * same operation with the same arguments; nothing is to be written), or the key taken in the
 * caller's transaction, whose `answer` stores the response before the transaction commits. The
 * same key with other arguments is `CONFLICT` `IDEMPOTENCY_KEY_REUSED`. Call it first in the
 * transaction, so that a concurrent retry waits before it reads anything.
 */
export async function claimKey<T>(
  em: EntityManager,
  viewer: Viewer,
  key: string,
  operation: string,
  args: unknown,
): Promise<Claim<T>> {
  const hash = createHash('sha256')
    .update(JSON.stringify([operation, args]))
    .digest('hex');
  for (let attempt = 0; attempt < 2; attempt++) {
    const [claimed] = await prepared<{ claimed: boolean }>(em, CLAIM_SQL, [
      viewer.accountId,
      key,
      viewer.accountId,
      key,
      viewer.schoolId,
      operation,
      hash,
    ]);
    if (claimed) {
      return {
        answer: async (response) => {
          await prepared(em, ANSWER_SQL, [JSON.stringify(response), viewer.accountId, key]);
        },
      };
    }
    const [stored] = await prepared<{ operation: string; requestHash: string; response: T }>(
      em,
      STORED_SQL,
      [viewer.accountId, key],
    );
    // Gone meanwhile (expired and cleaned up): take it again.
    if (!stored) continue;
    if (stored.operation !== operation || stored.requestHash !== hash) {
      throw new DomainError(
        'CONFLICT',
        'This idempotency key was used for another request; make a new key for a new request',
        { reason: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' },
      );
    }
    return { replay: stored.response };
  }
  throw new Error('an idempotency key could be neither taken nor read');
}
