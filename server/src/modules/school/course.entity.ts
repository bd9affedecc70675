import { Check, Entity, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from './school.entity.js';
import type { AcademicYear } from './academic-year.entity.js';
import type { ClassGroup } from './class-group.entity.js';
import type { Subject } from './subject.entity.js';
import type { Person } from '../people/person.entity.js';
import type { Subgroup } from '../subgroups/subgroup.entity.js';

/** A journal page: one subject taught to one class by one teacher in one year. */
@ObjectType()
@Entity({ tableName: 'course' })
@TenantFilter()
@Check({
  name: 'course_hours_check',
  expression:
    '(hours_per_week > (0)::double precision) AND (hours_per_week <= (40)::double precision)',
})
@Unique({
  name: 'course_class_subject_unique',
  expression:
    'create unique index "course_class_subject_unique" on "course" ("class_group_id", "subject_id") where "subgroup_id" is null',
})
export class Course {
  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('AcademicYear', { ref: true, deleteRule: 'cascade' })
  academicYear!: Ref<AcademicYear>;

  @ManyToOne('ClassGroup', { ref: true, deleteRule: 'cascade' })
  classGroup!: Ref<ClassGroup>;

  @ManyToOne('Subject', { ref: true })
  subject!: Ref<Subject>;

  @ManyToOne('Person', { ref: true, index: true })
  teacher!: Ref<Person>;

  @Field(() => Float)
  @Property({ type: 'float' })
  hoursPerWeek!: number;

  /** Set when this course is the journal page of one subgroup of a split class. */
  @ManyToOne('Subgroup', { ref: true, nullable: true, deleteRule: 'cascade' })
  subgroup?: Ref<Subgroup> | null;
}
