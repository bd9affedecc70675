import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: 'A change others should hear of, in commit order',
})
export class LiveEvent {
  @Field(() => ID, { description: 'Resume after this id to receive what came later' }) id!: string;
  @Field({
    description: 'MARK_SAVED, MARK_REMOVED, ATTENDANCE_SAVED, LESSON_UPDATED, PERIOD_MARK_SAVED',
  })
  type!: string;
  @Field(() => ID, { nullable: true }) courseId!: number | null;
  @Field(() => String, { description: 'The details, as JSON' }) payload!: string;
  @Field({ description: 'When the change was written (ISO 8601), just before its commit' })
  at!: string;
}
