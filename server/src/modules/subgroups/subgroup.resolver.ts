import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { SubgroupSplitInfo, SubgroupSplitInput } from './subgroup.service.js';

@Resolver()
export class SubgroupResolver {
  @Query(() => [SubgroupSplitInfo], { description: "A class's subgroup splits (R-4.2.3)" })
  subgroupSplits(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<SubgroupSplitInfo[]> {
    return ctx.services.subgroups.splits(ctx, classGroupId);
  }

  @Mutation(() => SubgroupSplitInfo, {
    description: 'Splits a class for a subject and period; each group gets its own journal page',
  })
  createSubgroupSplit(
    @Arg('input') input: SubgroupSplitInput,
    @Ctx() ctx: RequestContext,
  ): Promise<SubgroupSplitInfo> {
    return ctx.services.subgroups.create(ctx, input);
  }
}
