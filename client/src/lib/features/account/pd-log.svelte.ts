import { untrack } from 'svelte';
import { apollo } from '$lib/graphql/apollo';
import { describeError, type DescribedError } from '$lib/graphql/errors';
import {
  PersonalDataAccessLogDocument,
  type PersonalDataAccessLogQuery,
} from '$lib/graphql/generated/graphql';
import { appendPage } from './pd-log';

export type LogEntry = PersonalDataAccessLogQuery['personalDataAccessLog'][number];

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
  /** True once a page came back short: there is nothing more. */
  complete = $state(false);
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
        variables: { ...filter, limit: LOG_PAGE_SIZE, offset: this.entries.length },
        fetchPolicy: 'no-cache',
      });
      if (generation !== this.#generation || !data) return;
      const rows = data.personalDataAccessLog;
      this.entries = appendPage(this.entries, rows);
      this.complete = rows.length < LOG_PAGE_SIZE;
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
    this.complete = false;
    await this.more();
  }
}
