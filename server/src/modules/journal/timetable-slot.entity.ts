import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { Course } from '../school/course.entity.js';

/** A weekly lesson of a course: weekday (1 = Monday) and lesson number, valid between two dates. */
@ObjectType()
@Entity({ tableName: 'timetable_slot' })
@TenantFilter()
@Index({ properties: ['course'] })
@Check({ name: 'timetable_slot_weekday_check', expression: '(weekday >= 1) AND (weekday <= 7)' })
@Check({
  name: 'timetable_slot_number_check',
  expression: '(lesson_number >= 0) AND (lesson_number <= 12)',
})
@Check({ name: 'timetable_slot_dates_check', expression: 'valid_from <= valid_to' })
export class TimetableSlot {
  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('Course', { ref: true, deleteRule: 'cascade' })
  course!: Ref<Course>;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  weekday!: number;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  lessonNumber!: number;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  validFrom!: string;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  validTo!: string;
}
