import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { SubgroupSplitChangeInput, SubgroupSplitInput } from './subgroup.inputs.js';
import { SubgroupSplitInfo } from './subgroup.types.js';

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

  @Mutation(() => SubgroupSplitInfo, {
    description:
      "Renames a split's groups, changes their teachers and moves pupils between them; pupils with journal entries in their group move only with force",
  })
  updateSubgroupSplit(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: SubgroupSplitChangeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<SubgroupSplitInfo> {
    return ctx.services.subgroups.update(ctx, id, input);
  }

  @Mutation(() => ID, {
    description:
      "Deletes a split with its groups' journal pages, lessons and timetable slots, while those hold no marks or attendance",
  })
  async deleteSubgroupSplit(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.subgroups.delete(ctx, id);
    return id;
  }
}
