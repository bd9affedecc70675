import {
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';

export enum AttendanceKind {
  ABSENT = 'ABSENT',
  SICK = 'SICK',
  EXCUSED = 'EXCUSED',
  LATE = 'LATE',
}
registerEnumType(AttendanceKind, { name: 'AttendanceKind' });

/** A school's attendance mark: Н (absent), Б (sick), П (excused), О (late) by default. */
@ObjectType()
@Entity({ tableName: 'attendance_code' })
@TenantFilter()
@Unique({ properties: ['school', 'code'] })
export class AttendanceCode {
  [OptionalProps]?: 'active';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Field({ description: 'What the journal shows: Н, Б, П, О' })
  @Property({ length: 4 })
  code!: string;

  @Field()
  @Property({ length: 60 })
  name!: string;

  @Field(() => AttendanceKind)
  @Enum({ items: () => AttendanceKind, nativeEnumName: 'attendance_kind' })
  kind!: AttendanceKind;

  @Field()
  @Property()
  active: boolean = true;
}
