import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { School } from '../school/school.entity.js';

/**
 * Who changed what, when, from what to what, and why: written in the same transaction as the
 * change (marks, attendance, topics, homework, period marks, locks).
 */
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['entity', 'entityId'] })
export class AuditEvent {
  [OptionalProps]?: 'at' | 'reason';

  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  /** The person who made the change. */
  @Property()
  actorId!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  @Property({ length: 30 })
  entity!: string;

  @Property()
  entityId!: number;

  @Property({ length: 20 })
  action!:
    | 'create'
    | 'update'
    | 'remove'
    | 'lock'
    | 'unlock'
    | 'issue'
    | 'revoke'
    | 'activate'
    | 'activate-failed'
    | 'password'
    | 'move'
    | 'confirm'
    | 'import';

  @Property({ type: 'json', nullable: true })
  before?: Record<string, unknown> | null;

  @Property({ type: 'json', nullable: true })
  after?: Record<string, unknown> | null;

  @Property({ length: 500, nullable: true })
  reason: string | null = null;
}
