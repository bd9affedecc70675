import { socket } from '$lib/graphql/apollo';
import { MessagingEventsDocument } from '$lib/graphql/generated/graphql';
import { connectOn } from '$lib/live/socket';
import { LiveStream } from '$lib/live/stream';

/**
 * Calls `changed` when a control remark concerning the viewer changes (`CONTROL_REMARK` on the
 * personal feed: a new or reopened remark for a teacher, an answer for the checker), and when
 * events may have been missed; answers what stops listening.
 */
export function onControlRemark(changed: () => void): () => void {
  const stream = new LiveStream({
    connect: connectOn(socket, MessagingEventsDocument, {}),
    onEvent: (event) => {
      if (event.type === 'CONTROL_REMARK') changed();
    },
    onResync: changed,
    isOnline: () => navigator.onLine,
  });
  stream.start();
  return () => stream.stop();
}
