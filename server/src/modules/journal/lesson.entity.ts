import {
  Entity,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { Course } from '../school/course.entity.js';
import type { Person } from '../people/person.entity.js';

/** One lesson of a course on a date: the column of a journal page. */
@Entity({ tableName: 'lesson' })
@TenantFilter()
@Unique({ properties: ['course', 'date', 'number'] })
export class Lesson {
  [OptionalProps]?: 'cancelled' | 'version' | 'createdAt' | 'updatedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  /** No cascade: a course's journal outlives an attempt to delete the course (issue 19). */
  @ManyToOne('Course', { ref: true })
  course!: Ref<Course>;

  @Property({ type: 'date' })
  date!: string;

  @Property({ type: 'smallint' })
  number!: number;

  @Property({ type: 'text', nullable: true })
  topic?: string | null;

  @Property({ type: 'text', nullable: true })
  homework?: string | null;

  /** Material and self-study tasks for a cancelled-class day. */
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property()
  cancelled: boolean = false;

  @ManyToOne('Person', { ref: true, nullable: true, deleteRule: 'set null' })
  substitute?: Ref<Person> | null;

  @Property({ version: true })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
