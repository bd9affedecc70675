import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { School } from './school.entity.js';
import { UpdateSchoolInput } from './school.inputs.js';
import type { RequestContext } from '../../graphql/context.js';

@Resolver(() => School)
export class SchoolResolver {
  @Query(() => School)
  school(@Ctx() ctx: RequestContext): Promise<School> {
    return ctx.services.school.get(ctx);
  }

  @FieldResolver(() => LocalDate, { description: "Today in the school's time zone" })
  today(@Ctx() ctx: RequestContext): Promise<string> {
    return ctx.loaders.today();
  }

  @Mutation(() => School)
  updateSchool(
    @Arg('input') input: UpdateSchoolInput,
    @Ctx() ctx: RequestContext,
  ): Promise<School> {
    return ctx.services.school.update(ctx, input);
  }
}
