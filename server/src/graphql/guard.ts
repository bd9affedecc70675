import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { badInput, unauthenticated } from '../errors.js';
import type { RequestContext } from './context.js';
import { isEventId, isId } from './validate.js';

/**
 * The operations an anonymous caller may use: signing in and out, first activation with a code
 * (and the strength meter on its page), and `me`, which answers null to them. Every other root
 * field answers UNAUTHENTICATED before its resolver runs, whatever its service would do.
 */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set([
  'me',
  'login',
  'logout',
  'activateAccount',
  'passwordStrength',
]);

/** Earliest and latest year a date argument may name; outside them a date is a typo or an attack. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

/** C0 controls other than tab, line feed and carriage return, and UTF-16 halves without a pair. */
const BAD_TEXT =
  // eslint-disable-next-line no-control-regex -- finding control characters is what it is for
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks one argument value (already coerced by graphql-js); `path` names it in the error. */
type Check = (value: unknown, path: string) => void;

/**
 * The one place where every argument is checked before any resolver or service sees it: ids
 * (inside input objects and lists too) must fit PostgreSQL's int4, text must be free of control
 * characters and broken UTF-16, dates must lie in a sane range, and anonymous callers reach only
 * the public operations. What to check is worked out once per field from the schema, so fields
 * without such arguments (nearly all object fields) are not wrapped at all and cost nothing.
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  const inputs = new Map<GraphQLInputObjectType, Check | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const gate = roots.has(type) && !PUBLIC_OPERATIONS.has(field.name);
      const check = argumentsCheck(type, field.args, inputs);
      if (gate || check) guardField(field, gate, check);
    }
  }
  return schema;
}

function guardField(
  field: GraphQLField<unknown, RequestContext>,
  gate: boolean,
  check: Check | null,
): void {
  const guarded =
    (resolve: GraphQLFieldResolver<unknown, RequestContext>): typeof resolve =>
    (source, args, ctx, info) => {
      if (gate && !ctx.viewer) throw unauthenticated();
      check?.(args, '');
      return resolve(source, args, ctx, info);
    };
  // A subscription's arguments are checked once, when it starts, not again for every event.
  if (field.subscribe) field.subscribe = guarded(field.subscribe);
  else field.resolve = guarded(field.resolve ?? defaultFieldResolver);
}

function argumentsCheck(
  type: GraphQLObjectType,
  args: readonly GraphQLArgument[],
  inputs: Map<GraphQLInputObjectType, Check | null>,
): Check | null {
  const checks: [string, Check][] = [];
  for (const arg of args) {
    // Live events are numbered by a bigint sequence (events/domain-event.entity.ts).
    if (type.name === 'Subscription' && arg.name === 'after') {
      checks.push([arg.name, eventIdCheck]);
      continue;
    }
    const check = checkFor(arg.type, inputs);
    // Forms name their fields without the `input.` of the argument they fill, as services do.
    if (check && arg.name === 'input') checks.push([arg.name, (value) => check(value, '')]);
    else if (check) checks.push([arg.name, check]);
  }
  return fieldsCheck(checks);
}

/** A check for values of one input type, or null when nothing in it needs checking. */
function checkFor(
  type: GraphQLInputType,
  inputs: Map<GraphQLInputObjectType, Check | null>,
): Check | null {
  if (isNonNullType(type)) return checkFor(type.ofType, inputs);
  if (isListType(type)) {
    const item = checkFor(type.ofType, inputs);
    return item && listCheck(item);
  }
  if (isInputObjectType(type)) return inputObjectCheck(type, inputs);
  switch (getNamedType(type).name) {
    case 'ID':
      return idCheck;
    case 'String':
      return textCheck;
    case 'LocalDate':
      return dateCheck;
    default:
      return null;
  }
}

function inputObjectCheck(
  type: GraphQLInputObjectType,
  inputs: Map<GraphQLInputObjectType, Check | null>,
): Check | null {
  const known = inputs.get(type);
  if (known !== undefined) return known;
  // A type that contains itself is checked through this late lookup while it is being built.
  inputs.set(type, (value, path) => inputs.get(type)?.(value, path));
  const checks: [string, Check][] = [];
  for (const field of Object.values(type.getFields())) {
    const check = checkFor(field.type, inputs);
    if (check) checks.push([field.name, check]);
  }
  const check = fieldsCheck(checks);
  inputs.set(type, check);
  return check;
}

function fieldsCheck(checks: [string, Check][]): Check | null {
  if (checks.length === 0) return null;
  return (value, path) => {
    const object = value as Record<string, unknown>;
    for (const [name, check] of checks) {
      const v = object[name];
      if (v != null) check(v, path ? `${path}.${name}` : name);
    }
  };
}

function listCheck(item: Check): Check {
  return (value, path) => {
    // graphql-js has already made a single value given for a list into a list of one.
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      if (list[i] != null) item(list[i], `${path}.${i}`);
    }
  };
}

const idCheck: Check = (value, path) => {
  if (!isId(value)) throw badInput(path, 'INVALID_ID', `${path} is not a valid id`);
};

const eventIdCheck: Check = (value, path) => {
  if (!isEventId(value)) throw badInput(path, 'INVALID_ID', `${path} is not a valid id`);
};

const textCheck: Check = (value, path) => {
  if (typeof value === 'string' && BAD_TEXT.test(value)) {
    throw badInput(path, 'INVALID_TEXT', `${path} contains characters that are not text`);
  }
};

const dateCheck: Check = (value, path) => {
  // LocalDate has already checked the form YYYY-MM-DD and that the day exists.
  const year = Number(String(value).slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw badInput(
      path,
      'DATE_OUT_OF_RANGE',
      `${path} must be a date from ${MIN_YEAR} to ${MAX_YEAR}`,
    );
  }
};
