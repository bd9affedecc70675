import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { Person } from '../people/person.entity.js';
import type { Lesson } from './lesson.entity.js';
import type { WorkType } from './work-type.entity.js';

/**
 * A mark for a pupil in a lesson. A pupil may get several in one lesson. A removed mark stays as a
 * tombstone (`removedAt`) with its history; nothing is deleted from the journal.
 */
@Entity({ tableName: 'mark' })
@TenantFilter()
@Index({ properties: ['lesson'] })
@Index({ properties: ['pupil', 'lesson'] })
export class Mark {
  [OptionalProps]?: 'version' | 'createdAt' | 'updatedAt' | 'removedAt' | 'comment';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('Lesson', { ref: true, deleteRule: 'cascade' })
  lesson!: Ref<Lesson>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  pupil!: Ref<Person>;

  @ManyToOne('WorkType', { ref: true })
  workType!: Ref<WorkType>;

  /** What the journal shows: «5», «4», «зч». */
  @Property({ length: 8 })
  value!: string;

  /** The number that counts in averages; null for marks such as «зачёт». */
  @Property({ type: 'smallint', nullable: true })
  score?: number | null;

  @Property({ length: 500, nullable: true })
  comment: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  removedAt: Date | null = null;

  @Property({ version: true })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
