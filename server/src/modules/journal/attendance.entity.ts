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
import type { Person } from '../people/person.entity.js';
import type { Lesson } from './lesson.entity.js';
import type { AttendanceCode } from './attendance-code.entity.js';

/** A pupil's attendance in a lesson; no row means present. A cleared entry keeps its row (code null). */
@Entity({ tableName: 'attendance' })
@TenantFilter()
@Unique({ properties: ['lesson', 'pupil'] })
export class Attendance {
  [OptionalProps]?: 'version' | 'updatedAt' | 'reason';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('Lesson', { ref: true, deleteRule: 'cascade' })
  lesson!: Ref<Lesson>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade', index: true })
  pupil!: Ref<Person>;

  @ManyToOne('AttendanceCode', { ref: true, nullable: true })
  code?: Ref<AttendanceCode> | null;

  @Property({ length: 300, nullable: true })
  reason: string | null = null;

  @Property({ version: true })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
