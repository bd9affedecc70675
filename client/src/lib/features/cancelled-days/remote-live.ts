import { socket } from '$lib/graphql/apollo';
import { JournalEventsDocument } from '$lib/graphql/generated/graphql';
import { connectOn } from '$lib/live/socket';
import { LiveStream, type StreamStatus } from '$lib/live/stream';

export const REMOTE_TASK_CHECKED = 'REMOTE_TASK_CHECKED';
export const REMOTE_WORK_POSTED = 'REMOTE_WORK_POSTED';

interface WatchOptions {
  /** The courses whose journal feeds carry the lessons' events (each once). */
  courseIds: readonly string[];
  /** The lessons shown: an event of another lesson of the course is not theirs. */
  lessonIds: () => ReadonlySet<string>;
  /** The event types that change what is shown. */
  types: ReadonlySet<string>;
  /** Reads the page's data again. */
  reread: () => void;
  /** 'live' once every feed is; otherwise the first feed's that is not. */
  onStatus?: (status: StreamStatus) => void;
}

/**
 * Keeps a remote-lesson table live: reads it again when a family ticks (or the teacher posts)
 * on one of its lessons, as the courses' journal feeds tell, and when events may have been
 * missed. Returns what stops the feeds.
 */
export function watchRemoteLessons({
  courseIds,
  lessonIds,
  types,
  reread,
  onStatus,
}: WatchOptions) {
  const courses = [...new Set(courseIds)];
  const statuses: StreamStatus[] = courses.map(() => 'idle');
  const streams = courses.map(
    (courseId, i) =>
      new LiveStream({
        connect: connectOn(socket, JournalEventsDocument, { courseId }),
        onEvent: (event) => {
          if (!types.has(event.type)) return;
          let payload: { lessonId?: string } = {};
          try {
            payload = JSON.parse(event.payload) as { lessonId?: string };
          } catch {
            return;
          }
          if (payload.lessonId && lessonIds().has(payload.lessonId)) reread();
        },
        onResync: reread,
        onStatus: (status) => {
          statuses[i] = status;
          onStatus?.(statuses.find((s) => s !== 'live') ?? 'live');
        },
        isOnline: () => navigator.onLine,
      }),
  );
  for (const stream of streams) stream.start();
  return () => {
    for (const stream of streams) stream.stop();
  };
}
