import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { NotificationList } from './notification.types.js';

@Resolver()
export class NotificationResolver {
  @Query(() => NotificationList, {
    description:
      'What happened for the viewer (marks, absences, messages, announcements, weekly reports), newest first',
  })
  notificationList(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The `nextCursor` of the page before: older entries',
    })
    after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<NotificationList> {
    return ctx.services.notifications.list(ctx, first, after);
  }

  @Mutation(() => NotificationList, { description: 'Everything up to this notification is read' })
  markNotificationsRead(
    @Arg('upTo', { description: 'A notification’s id' }) upTo: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<NotificationList> {
    return ctx.services.notifications.markRead(ctx, upTo, first);
  }
}
