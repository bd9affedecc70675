import { Entity, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { ClassGroup } from '../school/class-group.entity.js';
import type { Subject } from '../school/subject.entity.js';
import type { StudyPeriod } from '../school/study-period.entity.js';
import type { Person } from '../people/person.entity.js';

/** A class divided for one subject in one study period: every pupil in exactly one group. */
@Entity({ tableName: 'subgroup_split' })
@TenantFilter()
@Unique({ properties: ['classGroup', 'subject', 'period'] })
export class SubgroupSplit {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('ClassGroup', { ref: true, deleteRule: 'cascade' })
  classGroup!: Ref<ClassGroup>;

  @ManyToOne('Subject', { ref: true })
  subject!: Ref<Subject>;

  @ManyToOne('StudyPeriod', { ref: true, deleteRule: 'cascade' })
  period!: Ref<StudyPeriod>;
}

/** One group of a split; its course is its own journal page. */
@Entity({ tableName: 'subgroup' })
@TenantFilter()
@Unique({ properties: ['split', 'name'] })
export class Subgroup {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => SubgroupSplit, { ref: true, deleteRule: 'cascade' })
  split!: Ref<SubgroupSplit>;

  @Property({ length: 50 })
  name!: string;
}

@Entity({ tableName: 'subgroup_member' })
@TenantFilter()
@Unique({ properties: ['subgroup', 'pupil'] })
export class SubgroupMember {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Subgroup, { ref: true, deleteRule: 'cascade' })
  subgroup!: Ref<Subgroup>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade', index: true })
  pupil!: Ref<Person>;
}
