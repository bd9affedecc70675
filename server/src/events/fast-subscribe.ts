import {
  getOperationAST,
  GraphQLError,
  Kind,
  subscribe as graphqlSubscribe,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
} from 'graphql';
import type { RequestContext } from '../graphql/context.js';
import type { LiveEvent } from './live.types.js';

const LIVE_FIELDS = new Set(['id', 'type', 'courseId', 'payload', 'at', '__typename']);

/**
 * graphql-ws runs the subscription document for every subscriber and every event; with thousands
 * of parents that dominates. Our live subscriptions return flat `LiveEvent`s, so for them the
 * result is built once per event and selection and the same object goes to every socket. Anything
 * else (fragments, directives, other fields) takes graphql-js's ordinary path.
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
  const ctx = args.contextValue as RequestContext;
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
  let source: AsyncIterable<LiveEvent>;
  try {
    switch (root.name.value) {
      case 'diaryEvents':
        source = await ctx.services.live.diary(
          ctx,
          required(argOf('pupilId'), 'pupilId'),
          argOf('after'),
        );
        break;
      case 'journalEvents':
        source = await ctx.services.live.journal(
          ctx,
          required(argOf('courseId'), 'courseId'),
          argOf('after'),
        );
        break;
      case 'notifications':
        source = await ctx.services.live.notifications(ctx, argOf('after'));
        break;
      default:
        return graphqlSubscribe(args);
    }
  } catch (e) {
    const error = new GraphQLError((e as Error).message, {
      path: [key],
      originalError: e as Error,
    });
    // Formatted like every other error by the socket's onNext (app.ts).
    return { errors: [error], data: null };
  }
  const shape = fields.map((f) => [(f.alias ?? f.name).value, f.name.value] as const);
  const signature = shape.map(([a, n]) => `${a}:${n}`).join(',');
  const iterator = source[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<ExecutionResult>> {
          const r = await iterator.next();
          if (r.done) return { done: true, value: undefined };
          return { done: false, value: resultFor(r.value, key, shape, signature) };
        },
        async return(): Promise<IteratorResult<ExecutionResult>> {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** One result per event and selection, shared by every subscription of this process. */
const shared = new Map<string, ExecutionResult>();

function resultFor(
  e: LiveEvent,
  key: string,
  shape: (readonly [string, string])[],
  signature: string,
): ExecutionResult {
  const cacheKey = `${e.id}|${key}|${signature}`;
  let result = shared.get(cacheKey);
  if (!result) {
    const value: Record<string, unknown> = {};
    for (const [alias, name] of shape) {
      if (name === '__typename') value[alias] = 'LiveEvent';
      else if (name === 'courseId') value[alias] = e.courseId == null ? null : String(e.courseId);
      else value[alias] = (e as unknown as Record<string, unknown>)[name];
    }
    result = { data: { [key]: value } };
    shared.set(cacheKey, result);
    if (shared.size > 5000) shared.delete(shared.keys().next().value!);
  }
  return result;
}

function required(value: string | null, name: string): string {
  if (value == null) throw new GraphQLError(`Argument "${name}" is required`);
  return value;
}
