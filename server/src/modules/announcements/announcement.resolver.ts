import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import {
  AnnouncementInfo,
  AnnouncementPage,
  AnnouncementReader,
  AnnouncementReplyResult,
  AnnouncementTarget,
  PostAnnouncementInput,
} from './announcement.types.js';

@Resolver(() => AnnouncementInfo)
export class AnnouncementResolver {
  @Query(() => [AnnouncementTarget], { description: 'The audiences the viewer may post to' })
  async announcementTargets(@Ctx() ctx: RequestContext): Promise<AnnouncementTarget[]> {
    return ctx.services.announcements.targets(ctx, await ctx.loaders.today());
  }

  @Query(() => AnnouncementPage, {
    description: 'Announcements addressed to the viewer or written by them, newest first',
  })
  announcements(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => ID, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementPage> {
    return ctx.services.announcements.list(ctx, first, after);
  }

  @Query(() => AnnouncementInfo, { description: 'One announcement addressed to or by the viewer' })
  announcement(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementInfo> {
    return ctx.services.announcements.one(ctx, id);
  }

  @FieldResolver(() => [AnnouncementReader], {
    nullable: true,
    description: 'Everyone it was addressed to, with read and acknowledged (the author only)',
  })
  readers(
    @Root() info: AnnouncementInfo,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementReader[] | null> {
    return ctx.services.announcements.readers(ctx, info);
  }

  @Mutation(() => AnnouncementInfo, { description: 'Posts to an audience the viewer may reach' })
  async createAnnouncement(
    @Arg('input') input: PostAnnouncementInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementInfo> {
    return ctx.services.announcements.post(ctx, await ctx.loaders.today(), input);
  }

  @Mutation(() => AnnouncementInfo, { description: 'The viewer has read it' })
  markAnnouncementRead(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementInfo> {
    return ctx.services.announcements.markRead(ctx, id);
  }

  @Mutation(() => AnnouncementInfo, { description: 'Acknowledges one that asks for it' })
  acknowledgeAnnouncement(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementInfo> {
    return ctx.services.announcements.acknowledge(ctx, id);
  }

  @Mutation(() => AnnouncementInfo, {
    description: 'Reminds those who have not acknowledged (or read) it; once an hour',
  })
  remindAnnouncement(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementInfo> {
    return ctx.services.announcements.remind(ctx, id);
  }

  @Mutation(() => AnnouncementReplyResult, {
    description: 'Replies to the author alone, in their direct conversation (when replies are on)',
  })
  async replyToAnnouncement(
    @Arg('id', () => ID) id: string,
    @Arg('text') text: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AnnouncementReplyResult> {
    return ctx.services.announcements.replyTo(ctx, await ctx.loaders.today(), id, text);
  }
}
