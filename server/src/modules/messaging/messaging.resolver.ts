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
import { StartConversationInput } from './messaging.inputs.js';
import {
  ConversationPage,
  ConversationSummary,
  ConversationThread,
  MessageInfo,
  MessagePage,
  MessageRevisionInfo,
  ReadState,
  Recipient,
} from './messaging.types.js';

@Resolver(() => ConversationThread)
export class MessagingResolver {
  @Query(() => ConversationPage, { description: 'The inbox with unread counts (R-2.6)' })
  conversations(
    @Arg('first', () => Int, { defaultValue: 30 }) first: number,
    @Arg('after', () => ID, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationPage> {
    return ctx.services.messaging.conversations(ctx, first, after);
  }

  @Query(() => ConversationThread, { description: 'One of the viewer’s conversations' })
  conversation(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ConversationThread> {
    return ctx.services.messaging.conversation(ctx, id);
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
  sendMessage(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('text') text: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageInfo> {
    return ctx.services.messaging.send(ctx, conversationId, text);
  }

  @Mutation(() => MessageInfo, { description: 'Own message, within 15 minutes of sending' })
  editMessage(
    @Arg('id', () => ID) id: string,
    @Arg('text') text: string,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageInfo> {
    return ctx.services.messaging.edit(ctx, id, text);
  }

  @Mutation(() => MessageInfo, { description: 'Own message, within 15 minutes: a tombstone stays' })
  deleteMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<MessageInfo> {
    return ctx.services.messaging.delete(ctx, id);
  }

  @Mutation(() => ReadState, { description: 'Everything up to this message is read' })
  markConversationRead(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('messageId', () => ID) messageId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ReadState> {
    return ctx.services.messaging.markRead(ctx, conversationId, messageId);
  }

  @Subscription(() => LiveEvent, {
    description:
      'The viewer’s conversations, live: MESSAGE_SENT, MESSAGE_EDITED, MESSAGE_DELETED, CONVERSATION_READ, READ_RECEIPT (ids only; the text is read through `conversation`)',
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
