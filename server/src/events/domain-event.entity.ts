import {
  ArrayType,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { School } from '../modules/school/school.entity.js';

/**
 * The outbox: a row per change that others should hear of, written in the change's transaction.
 * Ids are drawn under the outbox lock, so their order is the commit order (see events/outbox.ts).
 */
@Entity({ tableName: 'domain_event' })
@Index({ properties: ['createdAt'] })
export class DomainEvent {
  [OptionalProps]?: 'createdAt' | 'pupilIds' | 'personIds' | 'courseId' | 'classGroupId';

  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Property({ length: 40 })
  type!: string;

  /** The pupils whose diary this concerns. */
  @Property({ type: new ArrayType<number>((i) => Number(i)), columnType: 'int[]', nullable: true })
  pupilIds: number[] | null = null;

  /** The people the event is addressed to by name (a conversation's members), whatever their role. */
  @Property({ type: new ArrayType<number>((i) => Number(i)), columnType: 'int[]', nullable: true })
  personIds: number[] | null = null;

  @Property({ type: 'integer', nullable: true })
  courseId: number | null = null;

  @Property({ type: 'integer', nullable: true })
  classGroupId: number | null = null;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** Events older than this were pruned; a client asking to resume before it must refetch. */
@Entity({ tableName: 'domain_event_horizon' })
export class DomainEventHorizon {
  @PrimaryKey({ autoincrement: false })
  id: number = 1;

  @Property({ type: 'bigint' })
  prunedThrough: string = '0';
}
