import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { apollo } from '$lib/graphql/apollo';
import {
  DiaryContextDocument,
  DiaryPeriodDocument,
  NotificationsDocument,
} from '$lib/graphql/generated/graphql';
import { openLiveStream } from '$lib/live/live.svelte';
import type { LiveEvent } from '$lib/live/events';
import { localIsoDate, periodOn } from '../diary/dates';
import { noticeOf, withNotice, type Notice } from './notices';

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

/**
 * The bell's count and lines: events about the viewer's children (or themselves) since the page
 * was opened; the count starts again when the diary is opened.
 */
export class NotificationFeed {
  count = $state(0);
  items = $state.raw<Notice[]>([]);
  /** A parent's children by id, when there are several (the lines then say whose). */
  children = $state.raw<Record<string, string>>({});
  #stop: (() => void) | undefined;
  #childrenAsked = false;

  start(): void {
    this.#stop ??= openLiveStream({
      document: NotificationsDocument,
      variables: {},
      onEvent: (event) => this.#take(event),
    });
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** The viewer has seen what is new (the diary was opened). */
  reset(): void {
    this.count = 0;
  }

  #take(event: LiveEvent): void {
    const notice = noticeOf(event);
    if (!notice) return;
    this.items = withNotice(this.items, notice);
    this.count++;
    void subjectNames.lookUp(notice);
    void this.#lookUpChildren();
  }

  async #lookUpChildren(): Promise<void> {
    if (this.#childrenAsked) return;
    this.#childrenAsked = true;
    try {
      const { data } = await apollo.query({ query: DiaryContextDocument });
      const children = data?.me?.children ?? [];
      if (children.length > 1) {
        this.children = Object.fromEntries(children.map((c) => [c.id, c.fullName]));
      }
    } catch {
      // The lines stay without the child's name.
    }
  }
}
