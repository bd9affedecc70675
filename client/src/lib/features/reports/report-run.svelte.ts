import { apollo } from '$lib/graphql/apollo';
import { ReportsRunDocument, type ReportSpec } from '$lib/graphql/generated/graphql';
import { reportFailure, type ReportFailure } from './errors';
import type { ReportResultData } from './table';

/** The last report asked for: its spec, and what came back (a result or a failure). */
export class ReportRun {
  busy = $state(false);
  spec = $state<ReportSpec | undefined>();
  result = $state<ReportResultData | undefined>();
  failure = $state<ReportFailure | undefined>();
  /** Only the latest request may show its answer: an earlier one can arrive after it. */
  #latest = 0;

  async run(spec: ReportSpec): Promise<void> {
    const request = ++this.#latest;
    this.busy = true;
    this.failure = undefined;
    try {
      // Around the cache: a report is read once, and its numbers change with every mark.
      const answer = await apollo.query({
        query: ReportsRunDocument,
        variables: { spec },
        fetchPolicy: 'no-cache',
      });
      if (answer.error) throw answer.error;
      if (request !== this.#latest) return;
      this.result = answer.data?.report;
    } catch (error) {
      if (request !== this.#latest) return;
      this.result = undefined;
      this.failure = reportFailure(error);
    } finally {
      if (request === this.#latest) {
        this.spec = spec;
        this.busy = false;
      }
    }
  }
}
