import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Subject } from './subject.entity.js';
import { SubjectInput } from './school.inputs.js';
import type { RequestContext } from '../../graphql/context.js';

@Resolver(() => Subject)
export class SubjectResolver {
  @Query(() => [Subject])
  subjects(@Ctx() ctx: RequestContext): Promise<Subject[]> {
    return ctx.services.subjects.list(ctx);
  }

  @Mutation(() => Subject)
  createSubject(@Arg('input') input: SubjectInput, @Ctx() ctx: RequestContext): Promise<Subject> {
    return ctx.services.subjects.create(ctx, input);
  }

  @Mutation(() => Subject)
  updateSubject(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: SubjectInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Subject> {
    return ctx.services.subjects.update(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteSubject(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.subjects.delete(ctx, id);
    return id;
  }
}
