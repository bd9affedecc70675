import { Field, ID, ObjectType } from 'type-graphql';
import { LiveEventType } from './live-event-type.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A change others should hear of, in commit order',
})
export class LiveEvent {
  @Field(() => ID, { description: 'Resume after this id to receive what came later' }) id!: string;
  @Field(() => LiveEventType, { description: 'What kind of change; the payload depends on it' })
  type!: LiveEventType;
  @Field(() => ID, { nullable: true }) courseId!: number | null;
  @Field(() => String, { description: 'The details, as JSON' }) payload!: string;
  @Field({ description: 'When the change was written (ISO 8601), just before its commit' })
  at!: string;
}
