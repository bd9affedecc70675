import {
  getOperationAST,
  GraphQLError,
  Kind,
  subscribe as graphqlSubscribe,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
} from 'graphql';
import type { WebSocket } from 'ws';
import type { RequestContext } from '../graphql/context.js';
import { feedIterator, type LiveRevoked, type LiveSink } from './live.service.js';
import type { LiveEvent } from './live.types.js';

const LIVE_FIELDS = new Set(['id', 'type', 'courseId', 'payload', 'at', '__typename']);

/**
 * A socket's limit of unsent bytes: a client that reads nothing for this long is closed, and
 * resumes with `after` when it comes back (1013, "try again later"), instead of the server
 * holding its messages without end.
 */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** The graphql-ws subscription a context was made for (app.ts): its socket and message id. */
export interface Subscriber {
  socket: WebSocket;
  id: string;
}

export type SubscriberContext = RequestContext & {
  subscriber?: Subscriber;
  /** Lets go of the context's unit of work once the subscription no longer needs it. */
  release?: () => void;
};

/**
 * graphql-ws runs the subscription document for every subscriber and every event, then
 * serialises a whole frame per socket; with thousands of parents that dominates. Our live
 * subscriptions return flat `LiveEvent`s, so for them the JSON of the result is built once per
 * event and selection, and each socket gets `{"id":…,"type":"next","payload":` + that + `}`
 * written straight to it, without a promise per message (docs/decisions/0019). graphql-ws still
 * handles subscribe, validation, errors and complete: the iterator it gets stays pending until
 * `return()`. Anything else (fragments, directives, other fields) takes graphql-js's ordinary path.
 */
export async function fastSubscribe(
  args: ExecutionArgs,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const op = getOperationAST(args.document, args.operationName);
  const root = op?.selectionSet.selections.length === 1 ? op.selectionSet.selections[0] : undefined;
  if (op?.operation !== 'subscription' || root?.kind !== Kind.FIELD || root.directives?.length) {
    return graphqlSubscribe(args);
  }
  const fields = root.selectionSet?.selections ?? [];
  if (
    !fields.every(
      (f): f is FieldNode =>
        f.kind === Kind.FIELD && LIVE_FIELDS.has(f.name.value) && !f.directives?.length,
    )
  ) {
    return graphqlSubscribe(args);
  }
  const ctx = args.contextValue as SubscriberContext;
  const argOf = (name: string): string | null => {
    const node = root.arguments?.find((a) => a.name.value === name)?.value;
    if (!node) return null;
    if (node.kind === Kind.VARIABLE) {
      const v = (args.variableValues ?? {})[node.name.value];
      return v == null ? null : String(v);
    }
    return node.kind === Kind.STRING || node.kind === Kind.INT ? node.value : null;
  };
  const key = (root.alias ?? root.name).value;
  const live = ctx.services.live;
  let open: Open;
  switch (root.name.value) {
    case 'diaryEvents':
      open = (sink, revoked) =>
        live.openDiary(ctx, required(argOf('pupilId'), 'pupilId'), argOf('after'), sink, revoked);
      break;
    case 'journalEvents':
      open = (sink, revoked) =>
        live.openJournal(
          ctx,
          required(argOf('courseId'), 'courseId'),
          argOf('after'),
          sink,
          revoked,
        );
      break;
    case 'notifications':
      open = (sink, revoked) => live.openNotifications(ctx, argOf('after'), sink, revoked);
      break;
    default:
      return graphqlSubscribe(args);
  }
  const selection = new Selection(
    key,
    fields.map((f) => [(f.alias ?? f.name).value, f.name.value] as const),
  );
  try {
    return ctx.subscriber
      ? await toSocket(ctx.subscriber, selection, open)
      : // Without a socket (not through graphql-ws): results, shared per event and selection.
        await feedIterator(
          open,
          (e) => selection.result(e),
          (e) => errorResult(key, e),
        );
  } catch (e) {
    return errorResult(key, e as Error);
  } finally {
    // The context's unit of work served the checks above; the subscription needs none of it.
    ctx.release?.();
  }
}

/** Opens a feed: its events into `sink`; `revoked` if the viewer's right to it is withdrawn. */
type Open = (sink: LiveSink, revoked: LiveRevoked) => Promise<() => void>;

/** A refusal as a result: formatted like every other error by the socket's onNext (app.ts). */
function errorResult(key: string, e: Error): ExecutionResult {
  const error = new GraphQLError(e.message, { path: [key], originalError: e });
  return { errors: [error], data: null };
}

/** What a subscription asked for: the root field's key and the fields of `LiveEvent`. */
class Selection {
  /** Selections are few (the client's documents), so the cache key is short and shared. */
  readonly signature: string;

  constructor(
    readonly key: string,
    readonly shape: (readonly [alias: string, name: string])[],
  ) {
    this.signature = `${key}|${shape.map(([a, n]) => `${a}:${n}`).join(',')}`;
  }

  result(e: LiveEvent): ExecutionResult {
    const value: Record<string, unknown> = {};
    for (const [alias, name] of this.shape) {
      if (name === '__typename') value[alias] = 'LiveEvent';
      else if (name === 'courseId') value[alias] = e.courseId == null ? null : String(e.courseId);
      else value[alias] = e[name as 'id' | 'type' | 'payload' | 'at'];
    }
    return { data: { [this.key]: value } };
  }

  /** The JSON of the frame's payload, made once per event and selection in this process. */
  json(e: LiveEvent): string {
    let bySelection = prepared.get(e);
    if (!bySelection) prepared.set(e, (bySelection = new Map()));
    let json = bySelection.get(this.signature);
    if (json === undefined) {
      json = JSON.stringify(this.result(e));
      bySelection.set(this.signature, json);
    }
    return json;
  }
}

/** Per event (the same object for every subscription: live.service.ts), per selection. */
const prepared = new WeakMap<LiveEvent, Map<string, string>>();

/**
 * Frames written straight to the socket; graphql-ws gets an iterator that only waits to end, or
 * yields the error that ends the subscription when the viewer's right to it is withdrawn.
 */
async function toSocket(
  { socket, id }: Subscriber,
  selection: Selection,
  open: Open,
): Promise<AsyncIterableIterator<ExecutionResult>> {
  const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  // Withdrawn before the iterator exists: kept for it.
  let early: Error | undefined;
  let revoke: LiveRevoked = (error) => (early = error);
  const end = await open(
    (e) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED) {
        socket.close(1013, 'Too far behind: resume later');
        return;
      }
      socket.send(prefix + selection.json(e) + '}');
    },
    (error) => revoke(error),
  );
  const iterator = pending(end);
  revoke = (error) => iterator.fail(errorResult(selection.key, error));
  if (early) revoke(early);
  return iterator;
}

/**
 * An iterator that yields nothing and finishes when graphql-ws calls `return()` (the client
 * completed, or the socket closed), or yields one error result and finishes after `fail`
 * (graphql-ws then sends it and a complete). It is its own iterable with a `return`, which
 * graphql-ws needs to see to end it (`isAsyncGenerator`).
 */
function pending(
  end: () => void,
): AsyncIterableIterator<ExecutionResult> & { fail(result: ExecutionResult): void } {
  let finish: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  let last: ExecutionResult | undefined;
  let done = false;
  const over: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    next() {
      if (last) {
        const value = last;
        last = undefined;
        return Promise.resolve({ done: false, value });
      }
      return done ? Promise.resolve(over) : new Promise((r) => (finish = r));
    },
    return() {
      if (!done) {
        done = true;
        end();
        finish?.(over);
      }
      return Promise.resolve(over);
    },
    fail(result) {
      if (done) return;
      done = true;
      end();
      if (finish) finish({ done: false, value: result });
      else last = result;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function required(value: string | null, name: string): string {
  if (value == null) throw new GraphQLError(`Argument "${name}" is required`);
  return value;
}
