import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from './person.entity.js';
import type { ClassGroup } from '../school/class-group.entity.js';

/** A pupil belongs to a class from `startsOn` to `endsOn` (inclusive; open while null). */
@Entity({ tableName: 'enrollment' })
@TenantFilter()
@Check({
  name: 'enrollment_dates_check',
  expression: '(ends_on IS NULL) OR (starts_on <= ends_on)',
})
@Index({ properties: ['classGroup', 'startsOn'] })
export class Enrollment {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade', index: true })
  pupil!: Ref<Person>;

  @ManyToOne('ClassGroup', { ref: true, deleteRule: 'cascade' })
  classGroup!: Ref<ClassGroup>;

  @Property({ type: 'date' })
  startsOn!: string;

  @Property({ type: 'date', nullable: true })
  endsOn?: string | null;

  /** Why the enrolment ended: TRANSFERRED (to another class) or LEFT_SCHOOL. */
  @Property({ length: 20, nullable: true })
  leaveReason?: string | null;
}
