import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class StartConversationInput {
  @Field(() => [ID], { description: 'Everyone but the viewer; one person makes a DIRECT one' })
  memberIds!: string[];
  @Field(() => String, { nullable: true, description: 'Makes it a GROUP even with one member' })
  title?: string | null;
  @Field({ description: 'The first message' })
  text!: string;
  @Field(() => [ID], { nullable: true, description: 'Own uploads (POST /files) to attach' })
  attachmentIds?: string[] | null;
}

@InputType({ description: 'Days and times in the school’s time zone' })
export class WorkingHoursInput {
  @Field(() => [Int], { description: 'ISO weekdays, 1 = Monday' }) days!: number[];
  @Field({ description: 'HH:MM' }) from!: string;
  @Field({ description: 'HH:MM, after `from`' }) to!: string;
}
