import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../graphql/context.js';
import { LiveEvent } from './live.types.js';

interface Args {
  pupilId?: string;
  courseId?: string;
  after?: string | null;
}

/** An event, or the error that ended the subscription (its right withdrawn: live.service.ts). */
function delivered(event: LiveEvent | Error): LiveEvent {
  if (event instanceof Error) throw event;
  return event;
}

@Resolver()
export class LiveResolver {
  @Subscription(() => LiveEvent, {
    description: "A pupil's diary, live (R-2.4); with `after`, what was missed first",
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.live.diary(
        context as RequestContext,
        (args as Args).pupilId!,
        (args as Args).after ?? null,
      ),
  })
  diaryEvents(
    @Root() event: LiveEvent | Error,
    @Arg('pupilId', () => ID) _pupilId: string,
    @Arg('after', () => ID, { nullable: true }) _after: string | null,
  ): LiveEvent {
    return delivered(event);
  }

  @Subscription(() => LiveEvent, {
    description: 'A journal page, live: other editors’ changes',
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.live.journal(
        context as RequestContext,
        (args as Args).courseId!,
        (args as Args).after ?? null,
      ),
  })
  journalEvents(
    @Root() event: LiveEvent | Error,
    @Arg('courseId', () => ID) _courseId: string,
    @Arg('after', () => ID, { nullable: true }) _after: string | null,
  ): LiveEvent {
    return delivered(event);
  }

  @Subscription(() => LiveEvent, {
    description: "The viewer's notifications: their children's (or own) diary and their courses",
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.live.notifications(
        context as RequestContext,
        (args as Args).after ?? null,
      ),
  })
  notifications(
    @Root() event: LiveEvent | Error,
    @Arg('after', () => ID, { nullable: true }) _after: string | null,
  ): LiveEvent {
    return delivered(event);
  }
}
