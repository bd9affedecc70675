import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from './audit-event.entity.js';
import type { Viewer } from '../../auth/viewer.js';

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
