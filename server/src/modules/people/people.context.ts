import type { PeopleLoaders } from './people.loaders.js';
import type { PersonalDataReads } from './pd-log.js';

/*
 * The people area's per-request slots on the GraphQL context, added by declaration merging so
 * that graphql/ (core) names no area. The resolvers fill them; app.ts flushes the reads.
 */
declare module '../../graphql/context.js' {
  interface RequestContext {
    /** Made on first use: person records and their parts, batched. */
    people?: Promise<PeopleLoaders>;
    /** Personal data of others read by staff in this request, logged before the answer leaves. */
    personalDataReads?: PersonalDataReads;
  }
}
