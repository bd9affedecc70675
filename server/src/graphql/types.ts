import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../auth/role.js';
import { ClassGroup } from '../modules/school/class-group.entity.js';
import { Course } from '../modules/school/course.entity.js';
import { School } from '../modules/school/school.entity.js';
import type { Person } from '../modules/people/person.entity.js';

/** A class as an entity or a read model gives it (modules/school/course.read.ts). */
interface ClassGroupLike {
  id: number;
  grade: number;
  letter: string;
}

/** A course as an entity or a read model gives it; its resolvers take either. */
interface CourseLike {
  id: number;
  hoursPerWeek: number;
}

@ObjectType({ description: 'A member of staff as others may see them' })
export class Staff {
  @Field(() => ID) id!: number;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => String, { nullable: true }) middleName?: string | null;
  @Field() fullName!: string;
  @Field() shortName!: string;
  @Field(() => String, { nullable: true, description: 'Only for those who manage or read staff' })
  login?: string | null;
  @Field(() => [Role]) roles!: Role[];

  static from(person: Person, roles: Role[], login: string | null): Staff {
    return Object.assign(new Staff(), {
      id: person.id,
      lastName: person.lastName,
      firstName: person.firstName,
      middleName: person.middleName ?? null,
      fullName: person.fullName,
      shortName: person.shortName,
      login,
      roles,
    });
  }
}

@ObjectType({ description: 'A pupil, as their own family or their teachers see them' })
export class Pupil {
  @Field(() => ID) id!: number;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => String, { nullable: true }) middleName?: string | null;
  @Field() fullName!: string;
  @Field(() => ClassGroup, { nullable: true, description: 'The class the pupil is in today' })
  classGroup?: ClassGroupLike | null;

  static from(person: Person, classGroup: ClassGroup | null): Pupil {
    return Object.assign(new Pupil(), {
      id: person.id,
      lastName: person.lastName,
      firstName: person.firstName,
      middleName: person.middleName ?? null,
      fullName: person.fullName,
      classGroup,
    });
  }
}

@ObjectType('Viewer', { description: 'The signed-in person' })
export class ViewerInfo {
  @Field(() => ID) userId!: number;
  @Field() login!: string;
  @Field(() => ID) personId!: number;
  @Field() fullName!: string;
  @Field(() => [Role]) roles!: Role[];
  @Field(() => School) school!: School;
  @Field(() => [Pupil], { description: 'For a parent: their children' }) children!: Pupil[];
  @Field(() => [ClassGroup], { description: 'Classes this person leads as class teacher' })
  ledClasses!: ClassGroupLike[];
  @Field(() => [Course], { description: 'Courses this person teaches' })
  courses!: CourseLike[];
  @Field(() => Pupil, { nullable: true, description: 'For a pupil: themselves' })
  pupil?: Pupil | null;
}

@ObjectType()
export class StaffRegistration {
  @Field(() => Staff) staff!: Staff;
  @Field() login!: string;
  @Field({ description: 'Shown once; only its hash is stored' }) initialPassword!: string;
}
