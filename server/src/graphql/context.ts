import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';
import type { PeopleLoaders } from '../modules/people/people.loaders.js';
import type { PersonalDataReads } from '../modules/people/pd-log.js';

export interface RequestContext {
  em: EntityManager;
  viewer: Viewer | null;
  services: Services;
  loaders: Loaders;
  clientAddress: string;
  /** The page's origin (printed on access slips when PUBLIC_URL is not set). */
  origin?: string;
  userAgent?: string;
  /** Made on first use: person records and their parts, batched (modules/people). */
  people?: Promise<PeopleLoaders>;
  /** Personal data of others read by staff in this request, logged before the answer leaves. */
  personalDataReads?: PersonalDataReads;
  /** Present on HTTP requests: how a mutation sets or clears the session cookie. */
  cookies?: {
    setSession(token: string, expiresAt: Date): void;
    clearSession(): void;
  };
}
