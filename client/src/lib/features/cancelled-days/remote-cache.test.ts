import { describe, expect, it } from 'vitest';
import { createCache } from '../../graphql/client';
import {
  RemoteDayDocument,
  SetRemoteTaskDoneDocument,
  type RemoteDayQuery,
  type SetRemoteTaskDoneMutation,
} from '../../graphql/generated/graphql';

type Lesson = RemoteDayQuery['remoteDay'][number];

/** The day of one pupil: one remote lesson with task 7, ticked or not by this pupil. */
function day(pupilId: string | null, done: boolean): Lesson[] {
  // With __typename, as the cache writes what the server answers.
  return [
    {
      __typename: 'RemoteLesson',
      lessonId: '3',
      courseId: '2',
      date: '2026-12-07',
      number: 1,
      subjectName: 'Математика',
      className: '5А',
      topic: null,
      homework: null,
      material: '',
      links: [],
      canWrite: false,
      attachments: [],
      completion: [],
      tasks: [
        {
          __typename: 'RemoteTask',
          id: '7',
          pupilId,
          text: '№ 12',
          dueOn: '2026-12-08',
          done,
          attachments: done
            ? [
                {
                  __typename: 'RemoteAttachment',
                  id: '9',
                  name: 'a.jpg',
                  contentType: 'image/jpeg',
                  size: 1,
                },
              ]
            : [],
        },
      ],
    },
  ] as unknown as Lesson[];
}

function doneOf(cache: ReturnType<typeof createCache>, pupilId: string): boolean | undefined {
  const data = cache.readQuery({
    query: RemoteDayDocument,
    variables: { pupilId, date: '2026-12-07' },
  });
  return data?.remoteDay[0].tasks[0].done;
}

describe('the cache of remote tasks', () => {
  it('keeps two pupils’ ticks of one task apart (twins in one family)', () => {
    const cache = createCache();
    for (const [pupilId, done] of [
      ['11', true],
      ['12', false],
    ] as const) {
      cache.writeQuery({
        query: RemoteDayDocument,
        variables: { pupilId, date: '2026-12-07' },
        data: { remoteDay: day(pupilId, done) },
      });
    }
    expect(doneOf(cache, '11')).toBe(true);
    expect(doneOf(cache, '12')).toBe(false);

    // The second twin's tick lands on the second twin's day only, and an untick of the first
    // takes the first one's work away without touching the second.
    cache.writeQuery({
      query: SetRemoteTaskDoneDocument,
      variables: { taskId: '7', pupilId: '12', done: true },
      data: {
        setRemoteTaskDone: {
          __typename: 'RemoteTask',
          id: '7',
          pupilId: '12',
          done: true,
          attachments: [],
        },
      } as unknown as SetRemoteTaskDoneMutation,
    });
    cache.writeQuery({
      query: SetRemoteTaskDoneDocument,
      variables: { taskId: '7', pupilId: '11', done: false },
      data: {
        setRemoteTaskDone: {
          __typename: 'RemoteTask',
          id: '7',
          pupilId: '11',
          done: false,
          attachments: [],
        },
      } as unknown as SetRemoteTaskDoneMutation,
    });
    expect(doneOf(cache, '11')).toBe(false);
    expect(doneOf(cache, '12')).toBe(true);
    expect(Object.keys(cache.extract()).filter((k) => k.startsWith('RemoteTask:'))).toEqual([
      'RemoteTask:{"id":"7","pupilId":"11"}',
      'RemoteTask:{"id":"7","pupilId":"12"}',
    ]);
  });
});
