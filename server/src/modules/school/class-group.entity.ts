import {
  Check,
  OptionalProps,
  Entity,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from './school.entity.js';
import type { AcademicYear } from './academic-year.entity.js';
import type { Person } from '../people/person.entity.js';

/** A class («5А») in one academic year, led by at most one class teacher. */
@ObjectType()
@Entity({ tableName: 'class_group' })
@TenantFilter()
@Check({ name: 'class_group_grade_check', expression: '(grade >= 1) AND (grade <= 11)' })
@Unique({ properties: ['academicYear', 'grade', 'letter'] })
@Unique({ name: 'class_group_class_teacher_unique', properties: ['academicYear', 'classTeacher'] })
export class ClassGroup {
  [OptionalProps]?: 'letter' | 'name';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('AcademicYear', { ref: true, deleteRule: 'cascade' })
  academicYear!: Ref<AcademicYear>;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  grade!: number;

  @Field()
  @Property({ length: 5 })
  letter: string = '';

  @ManyToOne('Person', { ref: true, nullable: true, deleteRule: 'set null' })
  classTeacher?: Ref<Person> | null;

  /** «5А»; the GraphQL field is ClassGroupResolver.name, which read models' classes answer too. */
  get name(): string {
    return `${this.grade}${this.letter}`;
  }
}
