import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { School } from './school.entity.js';
import { UpdateSchoolInput } from './school.inputs.js';
import type { RequestContext } from '../../graphql/context.js';

@Resolver(() => School)
export class SchoolResolver {
  @Query(() => School)
  school(@Ctx() ctx: RequestContext): Promise<School> {
    return ctx.services.school.get(ctx);
  }

  @Mutation(() => School)
  updateSchool(
    @Arg('input') input: UpdateSchoolInput,
    @Ctx() ctx: RequestContext,
  ): Promise<School> {
    return ctx.services.school.update(ctx, input);
  }
}
