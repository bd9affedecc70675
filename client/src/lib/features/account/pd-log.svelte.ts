import { untrack } from 'svelte';
import { apollo } from '$lib/graphql/apollo';
import { describeError, type DescribedError } from '$lib/graphql/errors';
import {
  PersonalDataAccessLogDocument,
  type PersonalDataAccessLogQuery,
} from '$lib/graphql/generated/graphql';
import { appendPage } from './pd-log';

export type LogEntry = PersonalDataAccessLogQuery['personalDataAccessLog']['items'][number];

/** Rows a page. */
export const LOG_PAGE_SIZE = 50;

/**
 * The access log, a page at a time («show more» adds the next); starts again when the filter
 * changes. Create it during component initialisation; a null filter loads nothing.
 */
export class AccessLogPages {
  entries = $state<LogEntry[]>([]);
  loading = $state(false);
  error = $state<DescribedError | undefined>();
  /** True once the server said there is no next page. */
  complete = $state(false);
  /** Where the next page starts (the server's opaque cursor); null before the first page. */
  #cursor: string | null = null;
  #filter: { readerId: string | null; subjectId: string | null } | null = null;
  /** Bumped when the filter changes, so a page asked for under the old one is dropped. */
  #generation = 0;

  constructor(filter: () => { readerId: string | null; subjectId: string | null } | null) {
    $effect(() => {
      const current = filter();
      untrack(() => {
        this.#filter = current;
        this.#generation++;
        this.entries = [];
        this.#cursor = null;
        this.complete = false;
        this.error = undefined;
        if (current) void this.more();
      });
    });
  }

  /** Loads the next page. */
  async more(): Promise<void> {
    const filter = this.#filter;
    if (!filter) return;
    const generation = this.#generation;
    this.loading = true;
    this.error = undefined;
    try {
      const { data } = await apollo.query({
        query: PersonalDataAccessLogDocument,
        variables: { ...filter, first: LOG_PAGE_SIZE, after: this.#cursor },
        fetchPolicy: 'no-cache',
      });
      if (generation !== this.#generation || !data) return;
      const page = data.personalDataAccessLog;
      this.entries = appendPage(this.entries, page.items);
      this.#cursor = page.nextCursor ?? null;
      this.complete = !page.nextCursor;
    } catch (error) {
      if (generation === this.#generation) this.error = describeError(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Loads the first page again (the log grows while one reads it). */
  async reload(): Promise<void> {
    this.#generation++;
    this.entries = [];
    this.#cursor = null;
    this.complete = false;
    await this.more();
  }
}
