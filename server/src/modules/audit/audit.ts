import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from './audit-event.entity.js';
import type { Viewer } from '../../auth/viewer.js';
import { prepared } from '../../db/prepared.js';
import { outboxArgument, type NewEvent } from '../../events/outbox.js';

/** Records a change in the caller's transaction: who, what, before, after, and why. */
export function audit(
  em: EntityManager,
  viewer: Viewer,
  entity: string,
  entityId: number,
  action: AuditEvent['action'],
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  reason: string | null = null,
): void {
  em.create(AuditEvent, {
    school: viewer.schoolId,
    actorId: viewer.personId,
    entity,
    entityId,
    action,
    before,
    after,
    reason,
  });
}

/** A change to record, as `audit` takes it. */
export interface AuditEntry {
  entity: string;
  entityId: number;
  action: AuditEvent['action'];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason?: string | null;
}

/**
 * Records changes and publishes their events in one round trip: the last statement of a
 * transaction, as `publish` is (it takes the outbox lock until commit). For hot writes that do
 * not go through the unit of work (decision 21).
 */
export async function auditAndPublish(
  em: EntityManager,
  viewer: Viewer,
  entries: AuditEntry[],
  events: NewEvent[],
): Promise<void> {
  await em.flush();
  await prepared(
    em,
    `with a as (insert into audit_event (school_id, actor_id, entity, entity_id, action, before, after, reason)
                select ?, ?, x.entity, x."entityId", x.action, x.before, x.after, x.reason
                  from jsonb_to_recordset(?::jsonb) as x(entity text, "entityId" int, action text, before jsonb, after jsonb, reason text))
     select ${events.length > 0 ? 'outbox_publish(?, ?::jsonb)' : 'null'}`,
    [
      viewer.schoolId,
      viewer.personId,
      JSON.stringify(entries),
      ...(events.length > 0 ? [viewer.schoolId, outboxArgument(events)] : []),
    ],
  );
}
