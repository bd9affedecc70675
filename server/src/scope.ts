import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from './auth/viewer.js';

/** What a service method works with: the request's EntityManager and who is asking. */
export interface Scope {
  em: EntityManager;
  viewer: Viewer | null;
}
