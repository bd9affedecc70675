import {
  Check,
  Collection,
  Entity,
  ManyToOne,
  OneToMany,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from './school.entity.js';
import { StudyPeriod } from './study-period.entity.js';
import { Holiday } from './holiday.entity.js';

@ObjectType()
@Entity({ tableName: 'academic_year' })
@TenantFilter()
@Check({ name: 'academic_year_dates_check', expression: 'starts_on < ends_on' })
@Unique({ properties: ['school', 'name'] })
export class AcademicYear {
  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Field()
  @Property({ length: 50 })
  name!: string;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  endsOn!: string;

  @OneToMany(() => StudyPeriod, (p) => p.academicYear, { orderBy: { startsOn: 'asc' } })
  periods = new Collection<StudyPeriod>(this);

  @OneToMany(() => Holiday, (h) => h.academicYear, { orderBy: { startsOn: 'asc' } })
  holidays = new Collection<Holiday>(this);
}
