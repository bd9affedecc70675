import {
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
 * A batch write made with an idempotency key, and its answer: a retry with the same key gets the
 * answer again instead of a second write (decision 30). Written and read with plain SQL
 * (`db/idempotency.ts`); kept for a day.
 */
@Entity({ tableName: 'idempotent_request' })
@Index({ properties: ['createdAt'] })
export class IdempotentRequest {
  [OptionalProps]?: 'createdAt' | 'response';

  @PrimaryKey({ autoincrement: false })
  accountId!: number;

  @PrimaryKey({ length: 100 })
  key!: string;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Property({ length: 40 })
  operation!: string;

  /** SHA-256 of the request's arguments, hex. */
  @Property({ length: 64 })
  requestHash!: string;

  /** The answer, once the batch committed (null only inside its own transaction). */
  @Property({ type: 'json', nullable: true })
  response: unknown = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
