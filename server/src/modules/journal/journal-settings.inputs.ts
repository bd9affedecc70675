import { Field, Float, InputType, Int } from 'type-graphql';
import { AttendanceKind } from './attendance-code.entity.js';

@InputType()
export class WorkTypeInput {
  @Field() name!: string;
  @Field() shortName!: string;
  @Field(() => Float) weight!: number;
  @Field(() => Int, { nullable: true }) sort?: number | null;
  @Field({
    nullable: true,
    description: 'Inactive work types stay on old marks but are not offered',
  })
  active?: boolean;
}

@InputType()
export class AttendanceCodeInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => AttendanceKind) kind!: AttendanceKind;
  @Field({ nullable: true }) active?: boolean;
}

@InputType()
export class MarkSymbolInput {
  @Field() code!: string;
  @Field() name!: string;
}
