import type { ApolloClient, ObservableQuery } from '@apollo/client';
import { untrack } from 'svelte';
import { apollo } from '$lib/graphql/apollo';
import { describeError, type DescribedError } from '$lib/graphql/errors';
import {
  TimetableDocument,
  type TimetableQuery,
  type TimetableQueryVariables,
} from '$lib/graphql/generated/graphql';
import type { Slot } from './grid';

type Observable = ObservableQuery<TimetableQuery, TimetableQueryVariables>;

/**
 * The weekly slots of several courses (the schema asks for them one course at a time), kept in
 * sync with the cache while the component that created it lives. Create it during component
 * initialisation; `courseIds` is read reactively.
 */
export class CourseTimetables {
  /** Slots by course id; a course is missing until its slots arrive. */
  slots = $state<Record<string, Slot[]>>({});
  error = $state<DescribedError | undefined>();
  // Not state: only `refetch` reads it.
  #observables: Record<string, Observable> = {};

  constructor(courseIds: () => readonly string[]) {
    $effect(() => {
      const ids = courseIds().filter((id, index, all) => all.indexOf(id) === index);
      this.slots = {};
      this.error = undefined;
      const errors: Record<string, DescribedError> = {};
      const subscriptions = ids.map((courseId) => {
        const observable = apollo.watchQuery({
          query: TimetableDocument,
          variables: { courseId },
          fetchPolicy: 'cache-and-network',
          notifyOnNetworkStatusChange: false,
        } as ApolloClient.WatchQueryOptions<TimetableQuery, TimetableQueryVariables>);
        this.#observables[courseId] = observable;
        return observable.subscribe((result) => {
          if (result.error) errors[courseId] = describeError(result.error);
          else delete errors[courseId];
          this.error = Object.values(errors)[0];
          if (result.dataState === 'complete') {
            // Cached slots arrive at once, inside the effect: reading `slots` there must not
            // make the effect depend on what it writes.
            const slots = result.data.timetable;
            untrack(() => (this.slots = { ...this.slots, [courseId]: slots }));
          }
        });
      });
      return () => {
        for (const subscription of subscriptions) subscription.unsubscribe();
        this.#observables = {};
      };
    });
  }

  /** True once every course's slots have arrived. */
  complete(courseIds: readonly string[]): boolean {
    return courseIds.every((id) => id in this.slots);
  }

  /** Asks the server again for one course's slots (after a change), or for all of them. */
  async refetch(courseId?: string): Promise<void> {
    const observables = courseId
      ? [this.#observables[courseId]].filter((o) => o !== undefined)
      : Object.values(this.#observables);
    try {
      await Promise.all(observables.map((observable) => observable.refetch()));
    } catch {
      // The subscription already reports the error in `error`.
    }
  }
}
