import { Field, InputType } from 'type-graphql';
import { Role } from './role-grant.entity.js';

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
