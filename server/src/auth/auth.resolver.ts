import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ViewerInfo } from '../graphql/types.js';
import type { RequestContext } from '../graphql/context.js';
import { DomainError } from '../errors.js';
import { loadViewer } from './viewer.js';

@Resolver()
export class AuthResolver {
  @Query(() => ViewerInfo, { nullable: true, description: 'The signed-in person, or null' })
  me(@Ctx() ctx: RequestContext): Promise<ViewerInfo | null> {
    return ctx.services.me.me(ctx);
  }

  @Mutation(() => ViewerInfo, { description: 'Signs in and sets the session cookie' })
  async login(
    @Arg('login') login: string,
    @Arg('password') password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ViewerInfo> {
    if (!ctx.cookies) throw new DomainError('BAD_USER_INPUT', 'Sign in over HTTP');
    const { token, expiresAt } = await ctx.services.auth.login(
      ctx.em,
      login,
      password,
      ctx.clientAddress,
      ctx.userAgent,
    );
    ctx.cookies.setSession(token, expiresAt);
    const viewer = await loadViewer(ctx.em, token);
    ctx.em.setFilterParams('tenant', { schoolId: viewer!.schoolId });
    return (await ctx.services.me.me({ em: ctx.em, viewer }))!;
  }

  @Mutation(() => Boolean, { description: 'Ends this session' })
  async logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    if (ctx.viewer) await ctx.services.sessions.revoke(ctx.em, ctx.viewer.sessionId);
    ctx.cookies?.clearSession();
    return true;
  }
}
