import { getContext, setContext } from 'svelte';
import { apollo } from '$lib/graphql/apollo';
import { describeError, type DescribedError } from '$lib/graphql/errors';
import { InboxDocument, type InboxQuery } from '$lib/graphql/generated/graphql';

export type ConversationItem = InboxQuery['conversations']['items'][number];

/** Conversations a page of the list asks for. */
export const INBOX_PAGE = 20;
/** The most the server gives in one page: a refresh of a longer list reads this many. */
const INBOX_MAX = 100;

/**
 * The viewer's conversations, newest first, page by page ("more"); read again whole (up to as
 * many as are shown) when a live event says something changed.
 */
export class Inbox {
  items = $state.raw<ConversationItem[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(true);
  loadingMore = $state(false);
  error = $state<DescribedError | undefined>();

  /** Reads of the whole list; an answer to an older one that comes late is dropped. */
  #loads = 0;

  async load(): Promise<void> {
    const first = Math.min(Math.max(this.items.length, INBOX_PAGE), INBOX_MAX);
    const mine = ++this.#loads;
    try {
      const page = await this.#read(first, null);
      if (mine !== this.#loads) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor ?? null;
      this.error = undefined;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await this.#read(INBOX_PAGE, this.nextCursor);
      // A conversation that moved up since the first page may come again: shown once.
      const known = this.items.map((c) => c.id);
      this.items = [...this.items, ...page.items.filter((c) => !known.includes(c.id))];
      this.nextCursor = page.nextCursor ?? null;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loadingMore = false;
    }
  }

  /** The conversation was read here: its count goes at once, before the list is read again. */
  markRead(conversationId: string): void {
    this.items = this.items.map((c) => (c.id === conversationId ? { ...c, unread: 0 } : c));
  }

  async #read(first: number, after: string | null): Promise<InboxQuery['conversations']> {
    const { data } = await apollo.query({
      query: InboxDocument,
      variables: { first, after },
      fetchPolicy: 'network-only',
    });
    if (!data) throw new Error('No inbox');
    return data.conversations;
  }
}

const INBOX_KEY = Symbol('inbox');

/** The messages area's list, for the conversation beside it to update. */
export function provideInbox(inbox: Inbox): Inbox {
  return setContext(INBOX_KEY, inbox);
}

export function useInbox(): Inbox | undefined {
  return getContext<Inbox | undefined>(INBOX_KEY);
}
