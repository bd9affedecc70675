import { Field, ID, InputType } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Sex } from './person.entity.js';
import { LeaveReason } from './people.types.js';
import { Role } from '../../auth/role.js';

@InputType()
export class StaffInput {
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => String, { nullable: true }) middleName?: string | null;
  @Field(() => [Role]) roles!: Role[];
}

@InputType()
export class RegisterStaffInput extends StaffInput {
  @Field() login!: string;
}

@InputType({ description: 'A pupil or a parent: names, and personal data (152-FZ)' })
export class PersonInput {
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => String, { nullable: true }) middleName?: string | null;
  @Field(() => Sex, { nullable: true }) sex?: Sex | null;
  @Field(() => LocalDate, { nullable: true }) birthDate?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true }) document?: string | null;
}

@InputType()
export class GuardianInput extends PersonInput {
  @Field({ description: 'mother, father or guardian' }) kind!: string;
}

@InputType()
export class MovePupilInput {
  @Field(() => LeaveReason) reason!: LeaveReason;
  @Field(() => LocalDate, {
    description: 'The first day in the new class, or the day after leaving',
  })
  on!: string;
  @Field(() => ID, { nullable: true, description: 'For TRANSFERRED: the new class' })
  toClassGroupId?: string | null;
}

@InputType()
export class ConsentInput {
  @Field(() => ID, { nullable: true, description: 'The guardian who consented' })
  givenById?: string | null;
  @Field() document!: string;
  @Field(() => LocalDate) givenOn!: string;
}
