import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Staff, StaffRegistration } from '../../graphql/types.js';
import { RegisterStaffInput, StaffInput } from './people.inputs.js';
import { Permission, policy } from '../../auth/policy.js';
import type { RequestContext } from '../../graphql/context.js';

@Resolver(() => Staff)
export class StaffResolver {
  @Query(() => [Staff])
  staff(@Ctx() ctx: RequestContext): Promise<Staff[]> {
    return ctx.services.staff.list(ctx);
  }

  /** A login is an account detail: only those who read the staff register see it. */
  @FieldResolver(() => String, { nullable: true })
  login(@Root() staff: Staff, @Ctx() ctx: RequestContext): string | null {
    return policy.can(ctx.viewer, Permission.StaffRead) ? (staff.login ?? null) : null;
  }

  @Mutation(() => StaffRegistration, { description: 'SYSADMIN registers a member of staff' })
  registerStaff(
    @Arg('input') input: RegisterStaffInput,
    @Ctx() ctx: RequestContext,
  ): Promise<StaffRegistration> {
    return ctx.services.staff.register(ctx, input);
  }

  @Mutation(() => Staff)
  updateStaff(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: StaffInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Staff> {
    return ctx.services.staff.update(ctx, id, input);
  }

  @Mutation(() => StaffRegistration, {
    description: 'A new initial password; the old sessions end',
  })
  resetStaffPassword(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<StaffRegistration> {
    return ctx.services.staff.resetPassword(ctx, id);
  }
}
