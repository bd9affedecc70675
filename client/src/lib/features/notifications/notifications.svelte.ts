import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { apollo, socket } from '$lib/graphql/apollo';
import {
  DiaryContextDocument,
  DiaryPeriodDocument,
  MarkNotificationsReadDocument,
  MessagingEventsDocument,
  NotificationListDocument,
  NotificationsDocument,
  type NotificationFieldsFragment,
} from '$lib/graphql/generated/graphql';
import { openLiveStream } from '$lib/live/live.svelte';
import { connectOn } from '$lib/live/socket';
import { LiveStream } from '$lib/live/stream';
import { localIsoDate, periodOn } from '../diary/dates';
import type { Notice } from './notices';

/** Subject names the diary has shown, so that the bell can name the subject of a change. */
class SubjectNames {
  readonly #byLesson = new SvelteMap<string, string>();
  readonly #byCourse = new SvelteMap<string, string>();
  /** Pupils whose subjects were asked for already. */
  readonly #asked = new SvelteSet<string>();

  rememberLessons(lessons: Iterable<{ lessonId: string; subjectName: string }>): void {
    for (const { lessonId, subjectName } of lessons) this.#byLesson.set(lessonId, subjectName);
  }

  rememberCourses(subjects: Iterable<{ courseId: string; subjectName: string }>): void {
    for (const { courseId, subjectName } of subjects) this.#byCourse.set(courseId, subjectName);
  }

  of(notice: Notice): string | undefined {
    return (
      (notice.courseId ? this.#byCourse.get(notice.courseId) : undefined) ??
      (notice.lessonId ? this.#byLesson.get(notice.lessonId) : undefined)
    );
  }

  /** Reads the subjects of the pupil's current period once, unless the notice is named already. */
  async lookUp(notice: Notice): Promise<void> {
    const pupilId = notice.pupilId;
    if (!pupilId || this.of(notice) !== undefined || this.#asked.has(pupilId)) return;
    this.#asked.add(pupilId);
    try {
      const context = await apollo.query({ query: DiaryContextDocument });
      const periods = context.data?.currentAcademicYear?.periods ?? [];
      const period = periodOn(periods, localIsoDate());
      if (!period) return;
      const result = await apollo.query({
        query: DiaryPeriodDocument,
        variables: { pupilId, periodId: period.id },
      });
      this.rememberCourses(result.data?.diaryPeriod.subjects ?? []);
    } catch {
      // The line stays without its subject.
    }
  }
}

export const subjectNames = new SubjectNames();

/** How many entries the bell shows. */
export const BELL_SIZE = 8;

/**
 * The bell's list and unread count, kept on the server (`notificationList`): what happened while
 * the viewer was away is there when they sign in. Any live event about the viewer's children (the
 * `notifications` feed) or addressed to them (the personal feed: messages, announcements, weekly
 * reports) reads the list again; opening the bell marks it read up to its newest entry.
 */
export class NotificationFeed {
  count = $state(0);
  items = $state.raw<NotificationFieldsFragment[]>([]);
  /** Where older entries start, when there are more than the bell shows. */
  nextCursor = $state<string | null>(null);
  #stops: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    if (this.#stops.length) return;
    const again = () => this.#schedule();
    this.#stops.push(
      openLiveStream({ document: NotificationsDocument, variables: {}, onEvent: again }),
    );
    const personal = new LiveStream({
      connect: connectOn(socket, MessagingEventsDocument, {}),
      onEvent: again,
      onResync: again,
      isOnline: () => navigator.onLine,
    });
    personal.start();
    this.#stops.push(() => personal.stop());
    void this.refresh();
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    clearTimeout(this.#timer);
  }

  /** Events come in bursts (a class's marks saved at once): one read for a burst. */
  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), 300);
  }

  async refresh(): Promise<void> {
    try {
      const list = await this.#read();
      if (list) this.#take(list);
    } catch {
      // The bell keeps what it showed.
    }
  }

  /** Older entries after those shown («Показать ещё»). */
  async more(): Promise<void> {
    if (!this.nextCursor) return;
    try {
      const list = await this.#read(this.nextCursor);
      if (!list) return;
      const known = this.items.map((i) => i.id);
      const older = list.items.filter((i) => !known.includes(i.id));
      this.items = [...this.items, ...older];
      this.nextCursor = list.nextCursor ?? null;
    } catch {
      // The bell keeps what it showed; the button stays.
    }
  }

  /** A page of the list, read afresh: the newest, or the one after `after`. */
  async #read(after?: string) {
    const { data } = await apollo.query({
      query: NotificationListDocument,
      variables: after ? { first: BELL_SIZE, after } : { first: BELL_SIZE },
      fetchPolicy: 'network-only',
    });
    return data?.notificationList;
  }

  /** The viewer has seen the list: everything up to its newest entry is read. */
  async markRead(): Promise<void> {
    const newest = this.items[0];
    if (!newest || this.count === 0) return;
    try {
      const { data } = await apollo.mutate({
        mutation: MarkNotificationsReadDocument,
        variables: { upTo: newest.id, first: BELL_SIZE },
      });
      if (data) this.#take(data.markNotificationsRead);
    } catch {
      // Still unread; the next opening tries again.
    }
  }

  #take(list: {
    unread: number;
    nextCursor?: string | null;
    items: NotificationFieldsFragment[];
  }): void {
    this.items = list.items;
    this.count = list.unread;
    this.nextCursor = list.nextCursor ?? null;
  }
}

/**
 * Calls `handler` when an event of one of `types` addressed to the viewer comes (the personal
 * feed: announcements, weekly reports); returns what stops it. Pages use it to read again.
 */
export function onPersonalEvents(types: readonly string[], handler: () => void): () => void {
  const stream = new LiveStream({
    connect: connectOn(socket, MessagingEventsDocument, {}),
    onEvent: (raw) => {
      if (types.includes(raw.type)) handler();
    },
    onResync: handler,
    isOnline: () => navigator.onLine,
  });
  stream.start();
  return () => stream.stop();
}
