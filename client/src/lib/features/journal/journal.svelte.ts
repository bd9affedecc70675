import { apollo } from '$lib/graphql/apollo';
import { batchFailure, describeError, type DescribedError } from '$lib/graphql/errors';
import {
  JournalEventsDocument,
  JournalPageDocument,
  SaveAttendanceDocument,
  SaveMarksDocument,
  SetPeriodMarkDocument,
  type JournalLessonFieldsFragment,
  type JournalPageQuery,
} from '$lib/graphql/generated/graphql';
import { mutate } from '$lib/graphql/operations.svelte';
import type { LiveEvent, LiveLesson } from '$lib/live/events';
import { Highlights } from '$lib/live/highlights.svelte';
import { openLiveStream } from '$lib/live/live.svelte';
import {
  FinalMarkError,
  FinalMarkSync,
  periodMarkFailure,
  type FinalTransport,
  type FinalView,
} from './final';
import { pupilResult, workTypeWeights, type GradingScale, type PupilResultValues } from './average';
import { BatchError, JournalSync, type CellView, type JournalTransport } from './sync';

export type JournalData = JournalPageQuery['journalPage'];
export type JournalLesson = JournalLessonFieldsFragment;
export type JournalPupil = JournalData['pupils'][number];

export type PupilResult = PupilResultValues;

/** Sends the journal's batches through the API, keeping them out of the cache. */
const transport: JournalTransport = {
  async setMarks(changes) {
    try {
      return (await mutate(SaveMarksDocument, { changes }, { noCache: true })).setMarks;
    } catch (error) {
      throw new BatchError(batchFailure(error));
    }
  },
  async setAttendance(changes) {
    try {
      return (await mutate(SaveAttendanceDocument, { changes }, { noCache: true })).setAttendance;
    } catch (error) {
      throw new BatchError(batchFailure(error));
    }
  },
};

/** Sends a pupil's period mark for the page's course and period, keeping it out of the cache. */
function finalTransport(courseId: string, periodId: string): FinalTransport {
  return {
    async setPeriodMark(pupilId, value, version) {
      try {
        const input = { courseId, periodId, pupilId, value, version };
        const saved = (await mutate(SetPeriodMarkDocument, { input }, { noCache: true }))
          .setPeriodMark;
        return { value: saved.value ?? null, version: saved.version };
      } catch (error) {
        throw new FinalMarkError(periodMarkFailure(batchFailure(error)));
      }
    },
  };
}

/**
 * One journal page (a course in a period): the page as read, each cell's view as the teacher
 * edits it, and each pupil's average. Read straight from the server, never from the cache: the
 * page tracks its own writes, and a journal must not show yesterday's marks while it loads.
 */
export class JournalModel {
  /** The page as last read (lessons updated in place after an edit of their topic). */
  data = $state.raw<JournalData | undefined>();
  error = $state<DescribedError | undefined>();
  loading = $state(true);
  /** Cells with something to show, keyed `pupilId:lessonId`; other cells are empty. */
  views = $state<Record<string, CellView>>({});
  results = $state<Record<string, PupilResult>>({});
  /** Each pupil's mark for the period («Итог») as the teacher edits it. */
  finals = $state<Record<string, FinalView>>({});
  readonly sync: JournalSync;
  readonly finalSync: FinalMarkSync;
  /** What others just changed: cells (`pupilId:lessonId`), «Итог» (`final:pupilId`), lessons. */
  readonly fresh = new Highlights();
  readonly #courseId: string;
  readonly #periodId: string;
  readonly #grading: GradingScale;
  #weights = workTypeWeights([]);
  #reads = 0;
  readonly #stopLive: () => void;

  constructor(courseId: string, periodId: string, grading: GradingScale) {
    this.#courseId = courseId;
    this.#periodId = periodId;
    this.#grading = grading;
    this.sync = new JournalSync({
      transport,
      onChange: (key, view) => (this.views[key] = view),
      onMarksSaved: (pupilIds) => this.#recompute(pupilIds),
      onStale: () => void this.refetch(),
      onRemote: (key) => this.fresh.add(key),
    });
    this.finalSync = new FinalMarkSync({
      transport: finalTransport(courseId, periodId),
      onChange: (pupilId, view) => (this.finals[pupilId] = view),
      onStale: () => void this.refetch(),
      onRemote: (pupilId) => this.fresh.add(`final:${pupilId}`),
    });
    // Others' edits of this course show as they are saved (R-2.4); the teacher's own come back
    // too and are recognised by the syncs.
    this.#stopLive = openLiveStream({
      document: JournalEventsDocument,
      variables: { courseId },
      onEvent: (event) => this.#applyEvent(event),
      onResync: () => void this.refetch(),
    });
    void this.refetch();
  }

  /** Reads the page again; cells with edits on their way keep them. */
  async refetch(): Promise<void> {
    const read = ++this.#reads;
    this.loading = true;
    try {
      const { data } = await apollo.query({
        query: JournalPageDocument,
        variables: { courseId: this.#courseId, periodId: this.#periodId },
        fetchPolicy: 'no-cache',
      });
      if (read !== this.#reads || !data) return;
      this.#take(data.journalPage);
      this.error = undefined;
    } catch (error) {
      if (read === this.#reads) this.error = describeError(error);
    } finally {
      if (read === this.#reads) this.loading = false;
    }
  }

  /** After its topic or homework was saved. */
  replaceLesson(lesson: JournalLesson): void {
    if (!this.data) return;
    this.data = {
      ...this.data,
      lessons: this.data.lessons.map((l) => (l.id === lesson.id ? { ...l, ...lesson } : l)),
    };
  }

  /** True while an edit of a cell or of a final mark waits to be sent or is on its way. */
  get busy(): boolean {
    return this.sync.busy || this.finalSync.busy;
  }

  /** Sends again what failed as a whole batch. */
  retryFailed(): void {
    this.sync.retryFailed();
    this.finalSync.retryFailed();
  }

  /** Sends what waits at once, e.g. when the page is left. */
  dispose(): void {
    this.#stopLive();
    this.fresh.clear();
    void this.sync.flush();
    this.sync.dispose();
    void this.finalSync.flush();
    this.finalSync.dispose();
  }

  #take(page: JournalData): void {
    const first = this.data === undefined;
    this.#weights = workTypeWeights(page.workTypes);
    const changed = this.sync.load(page.marks, page.attendance);
    if (first) this.views = changed;
    else for (const [key, view] of Object.entries(changed)) this.views[key] = view;
    this.results = Object.fromEntries(
      page.results.map(({ pupilId, average, suggested }) => [pupilId, { average, suggested }]),
    );
    const finals = this.finalSync.load(page.results);
    if (first) this.finals = finals;
    else for (const [pupilId, view] of Object.entries(finals)) this.finals[pupilId] = view;
    this.data = page;
  }

  #applyEvent({ change }: LiveEvent): void {
    const page = this.data;
    if (!page) {
      // The page is still being read, maybe from before this change.
      void this.refetch();
      return;
    }
    const onPage = (lessonId: string) => page.lessons.some((l) => l.id === lessonId);
    switch (change.type) {
      case 'MARK_SAVED': {
        const { id, lessonId, pupilId, value, workTypeId, version } = change.mark;
        if (!onPage(lessonId)) return;
        this.sync.applyRemote({
          kind: 'mark',
          mark: { id, lessonId, pupilId, value, workTypeId, version },
        });
        return;
      }
      case 'MARK_REMOVED': {
        const { markId, lessonId, pupilId } = change;
        if (!onPage(lessonId)) return;
        this.sync.applyRemote({ kind: 'markRemoved', markId, lessonId, pupilId });
        return;
      }
      case 'ATTENDANCE_SAVED': {
        const { lessonId, pupilId, codeId, version } = change.attendance;
        if (!onPage(lessonId)) return;
        this.sync.applyRemote({
          kind: 'attendance',
          attendance: { lessonId, pupilId, codeId, version },
        });
        return;
      }
      case 'LESSON_UPDATED':
        this.#applyLesson(page, change.lesson);
        return;
      case 'PERIOD_MARK_SAVED': {
        const { periodId, pupilId, value, version } = change.periodMark;
        if (periodId === this.#periodId) this.finalSync.applyRemote(pupilId, { value, version });
        return;
      }
    }
  }

  /** A lesson's topic, homework or state changed; a lesson moved or added reads the page again. */
  #applyLesson(page: JournalData, lesson: LiveLesson): void {
    const current = page.lessons.find((l) => l.id === lesson.id);
    const inPeriod = page.startsOn <= lesson.date && lesson.date <= page.endsOn;
    if (!current) {
      if (inPeriod) void this.refetch();
      return;
    }
    // The teacher's own save coming back (already shown), or older news.
    if (current.version >= lesson.version) return;
    if (!inPeriod || current.date !== lesson.date || current.number !== lesson.number) {
      void this.refetch();
      return;
    }
    const { topic, homework, cancelled, version } = lesson;
    this.replaceLesson({ ...current, topic, homework, cancelled, version });
    this.fresh.add(`lesson:${lesson.id}`);
  }

  #recompute(pupilIds: string[]): void {
    for (const pupilId of pupilIds) {
      const values = pupilResult(this.sync.savedMarks(pupilId), this.#weights, this.#grading);
      this.results[pupilId] = values;
    }
  }
}
