import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { Role } from '../../auth/role.js';
import { LiveEvent } from '../../events/live.types.js';
import { StartConversationInput, WorkingHoursInput } from './messaging.inputs.js';
import {
  ConversationPage,
  ConversationSummary,
  ConversationThread,
  MessageInfo,
  MessagePage,
  MessageReport,
  MessageRevisionInfo,
  ReadState,
  Recipient,
  WorkingHours,
} from './messaging.types.js';

@Resolver(() => ConversationThread)
export class MessagingResolver {
  @Query(() => ConversationPage, { description: 'The inbox with unread counts (R-2.6)' })
  async conversations(
    @Arg('first', () => Int, { defaultValue: 30 }) first: number,
    @Arg('after', () => ID, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationPage> {
    return ctx.services.messaging.conversations(ctx, await ctx.loaders.today(), first, after);
  }

  @Query(() => ConversationThread, { description: 'One of the viewer’s conversations' })
  async conversation(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationThread> {
    return ctx.services.messaging.conversation(ctx, await ctx.loaders.today(), id);
  }

  @FieldResolver(() => MessagePage, { description: 'The last messages before `before`' })
  messages(
    @Root() thread: ConversationThread,
    @Arg('last', () => Int, { defaultValue: 30 }) last: number,
    @Arg('before', () => ID, { nullable: true }) before: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<MessagePage> {
    return ctx.services.messaging.messages(ctx, thread, last, before);
  }

  @Query(() => [Recipient], {
    description: 'Whom the viewer may start a conversation with: by name, class («7А») or role',
  })
  async messageRecipients(
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Arg('role', () => Role, { nullable: true }) role: Role | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<Recipient[]> {
    return ctx.services.messaging.recipients(ctx, await ctx.loaders.today(), {
      search,
      role,
      first,
    });
  }

  @Query(() => [MessageRevisionInfo], {
    description: 'What edits and deletions replaced in a message (the administration)',
  })
  messageRevisions(
    @Arg('messageId', () => ID) messageId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageRevisionInfo[]> {
    return ctx.services.messaging.revisions(ctx, messageId);
  }

  @Mutation(() => ConversationSummary, {
    description: 'Starts a conversation with its first message; one person continues a DIRECT one',
  })
  async startConversation(
    @Arg('input') input: StartConversationInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationSummary> {
    return ctx.services.messaging.start(ctx, await ctx.loaders.today(), input);
  }

  @Mutation(() => MessageInfo, { description: 'Writes in a conversation the viewer is in' })
  async sendMessage(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('text') text: string,
    @Arg('attachmentIds', () => [ID], {
      nullable: true,
      description: 'Own uploads (POST /files); the text may then be empty',
    })
    attachmentIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageInfo> {
    const today = await ctx.loaders.today();
    return ctx.services.messaging.send(ctx, today, conversationId, text, attachmentIds);
  }

  @Mutation(() => MessageInfo, { description: 'Own message, within 15 minutes of sending' })
  async editMessage(
    @Arg('id', () => ID) id: string,
    @Arg('text') text: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageInfo> {
    return ctx.services.messaging.edit(ctx, await ctx.loaders.today(), id, text);
  }

  @Mutation(() => MessageInfo, { description: 'Own message, within 15 minutes: a tombstone stays' })
  async deleteMessage(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageInfo> {
    return ctx.services.messaging.delete(ctx, await ctx.loaders.today(), id);
  }

  @Mutation(() => ReadState, { description: 'Everything up to this message is read' })
  async markConversationRead(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('messageId', () => ID) messageId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ReadState> {
    const today = await ctx.loaders.today();
    return ctx.services.messaging.markRead(ctx, today, conversationId, messageId);
  }

  @Query(() => [MessageInfo], {
    description:
      'Messages in the viewer’s own conversations matching the words (Russian full-text search), newest first',
  })
  async searchMessages(
    @Arg('query') query: string,
    @Arg('first', () => Int, { defaultValue: 30 }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageInfo[]> {
    return ctx.services.messaging.search(ctx, await ctx.loaders.today(), query, first);
  }

  @Mutation(() => MessageReport, { description: 'Reports a message to the administration' })
  async reportMessage(
    @Arg('messageId', () => ID) messageId: string,
    @Arg('reason') reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageReport> {
    return ctx.services.messaging.report(ctx, await ctx.loaders.today(), messageId, reason);
  }

  @Query(() => [MessageReport], {
    description: 'Reported messages, newest first (DEPUTY, DIRECTOR)',
  })
  messageReports(
    @Arg('first', () => Int, { defaultValue: 30 }) first: number,
    @Arg('before', () => ID, { nullable: true }) before: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageReport[]> {
    return ctx.services.messaging.reports(ctx, first, before);
  }

  @Mutation(() => ConversationThread, {
    description: 'Nobody writes in it any more (DEPUTY, DIRECTOR)',
  })
  async closeConversation(
    @Arg('conversationId', () => ID) conversationId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationThread> {
    return ctx.services.messaging.close(ctx, await ctx.loaders.today(), conversationId);
  }

  @Mutation(() => ConversationThread, {
    description: 'A class channel where only staff write (its class teacher or the administration)',
  })
  async setChannelAnnouncementOnly(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('announcementOnly') on: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationThread> {
    const today = await ctx.loaders.today();
    return ctx.services.messaging.setAnnouncementOnly(ctx, today, conversationId, on);
  }

  @Query(() => WorkingHours, { nullable: true, description: 'The viewer’s working hours (staff)' })
  myWorkingHours(@Ctx() ctx: RequestContext): Promise<WorkingHours | null> {
    return ctx.services.messaging.workingHours(ctx);
  }

  @Mutation(() => WorkingHours, {
    nullable: true,
    description:
      'Staff set their working hours; messages arriving outside them are announced when they start. Null clears them.',
  })
  setWorkingHours(
    @Arg('hours', () => WorkingHoursInput, { nullable: true }) hours: WorkingHoursInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkingHours | null> {
    return ctx.services.messaging.setWorkingHours(ctx, hours);
  }

  @Subscription(() => LiveEvent, {
    description:
      'The viewer’s conversations, live: MESSAGE_SENT, MESSAGE_EDITED, MESSAGE_DELETED, CONVERSATION_READ, READ_RECEIPT, CONVERSATION_CHANGED (ids only; the text is read through `conversation`)',
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.live.personal(
        context as RequestContext,
        (args as { after?: string | null }).after ?? null,
      ),
  })
  messagingEvents(
    @Root() event: LiveEvent | Error,
    @Arg('after', () => ID, { nullable: true }) _after: string | null,
  ): LiveEvent {
    if (event instanceof Error) throw event;
    return event;
  }
}
