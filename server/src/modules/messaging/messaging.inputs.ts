import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class StartConversationInput {
  @Field(() => [ID], { description: 'Everyone but the viewer; one person makes a DIRECT one' })
  memberIds!: string[];
  @Field(() => String, { nullable: true, description: 'Makes it a GROUP even with one member' })
  title?: string | null;
  @Field({ description: 'The first message' })
  text!: string;
}
