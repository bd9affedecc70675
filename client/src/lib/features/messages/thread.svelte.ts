import { apollo } from '$lib/graphql/apollo';
import { describeError, type DescribedError } from '$lib/graphql/errors';
import {
  ConversationDocument,
  MarkConversationReadDocument,
  type ConversationQuery,
  type MessageFieldsFragment,
} from '$lib/graphql/generated/graphql';
import { mutate } from '$lib/graphql/operations.svelte';
import { compareIds } from '$lib/live/events';
import { mergeMessages } from './messages';

type Conversation = ConversationQuery['conversation'];

/** Messages a page of the conversation asks for. */
const THREAD_PAGE = 30;

/**
 * One open conversation: its newest messages, earlier ones page by page, read again when a live
 * event touches it; what the viewer sees is marked read.
 */
export class Thread {
  conversation = $state.raw<Omit<Conversation, 'messages'> | undefined>();
  messages = $state.raw<MessageFieldsFragment[]>([]);
  hasEarlier = $state(false);
  loading = $state(true);
  loadingEarlier = $state(false);
  error = $state<DescribedError | undefined>();
  readonly id: string;
  readonly #viewerId: string;
  readonly #onRead: () => void;

  constructor(id: string, viewerId: string, onRead: () => void) {
    this.id = id;
    this.#viewerId = viewerId;
    this.#onRead = onRead;
  }

  /** Reads the newest page (and the members' read cursors) and merges it into what is shown. */
  async refresh(): Promise<void> {
    try {
      const conversation = await this.#read(null);
      const { messages, ...rest } = conversation;
      this.conversation = rest;
      if (this.messages.length === 0) this.hasEarlier = messages.hasEarlier;
      this.messages = mergeMessages(this.messages, messages.messages);
      this.error = undefined;
      void this.#markRead();
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  async earlier(): Promise<void> {
    const first = this.messages[0];
    if (!first || this.loadingEarlier) return;
    this.loadingEarlier = true;
    try {
      const { messages } = await this.#read(first.id);
      this.messages = mergeMessages(this.messages, messages.messages);
      this.hasEarlier = messages.hasEarlier;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loadingEarlier = false;
    }
  }

  /** A message the viewer sent, edited or deleted, shown at once. */
  put(message: MessageFieldsFragment): void {
    this.messages = mergeMessages(this.messages, [message]);
  }

  /** The viewer's read cursor, moved to the newest message when it is not there yet. */
  async #markRead(): Promise<void> {
    const newest = this.messages.at(-1);
    const conversation = this.conversation;
    const me = conversation?.members.find((m) => m.personId === this.#viewerId);
    if (!newest || !conversation || !me) return;
    if (me.lastReadMessageId && compareIds(me.lastReadMessageId, newest.id) >= 0) return;
    try {
      await mutate(
        MarkConversationReadDocument,
        { conversationId: this.id, messageId: newest.id },
        { noCache: true },
      );
      this.conversation = {
        ...conversation,
        members: conversation.members.map((m) =>
          m.personId === this.#viewerId ? { ...m, lastReadMessageId: newest.id } : m,
        ),
      };
      this.#onRead();
    } catch {
      // Marked on the next refresh.
    }
  }

  async #read(before: string | null): Promise<Conversation> {
    const { data } = await apollo.query({
      query: ConversationDocument,
      variables: { id: this.id, last: THREAD_PAGE, before },
      fetchPolicy: 'network-only',
    });
    if (!data) throw new Error('No conversation');
    return data.conversation;
  }
}
