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
import type { StudyPeriod } from '../school/study-period.entity.js';

/** The final mark of a pupil in a course for a study period, or for the year when `period` is null. */
@Entity({ tableName: 'period_mark' })
@TenantFilter()
@Unique({ properties: ['course', 'pupil', 'period'] })
@Unique({
  name: 'period_mark_year_unique',
  expression:
    'create unique index "period_mark_year_unique" on "period_mark" ("course_id", "pupil_id") where "period_id" is null',
})
export class PeriodMark {
  [OptionalProps]?: 'version' | 'updatedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  /** No cascade: a course's journal outlives an attempt to delete the course (issue 19). */
  @ManyToOne('Course', { ref: true })
  course!: Ref<Course>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  pupil!: Ref<Person>;

  @ManyToOne('StudyPeriod', { ref: true, nullable: true, deleteRule: 'cascade' })
  period?: Ref<StudyPeriod> | null;

  /** «5», «4», «зч», «н/а»; null when the mark was withdrawn. */
  @Property({ length: 8, nullable: true })
  value?: string | null;

  @Property({ version: true })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
