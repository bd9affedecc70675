import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

/**
 * What every resolver gets. An area that keeps something per request adds its own optional slot by
 * declaration merging in its folder (modules/people/people.context.ts), so this file names no area.
 */
export interface RequestContext {
  em: EntityManager;
  viewer: Viewer | null;
  services: Services;
  loaders: Loaders;
  clientAddress: string;
  /** The page's origin (printed on access slips when PUBLIC_URL is not set). */
  origin?: string;
  userAgent?: string;
  /** Present on HTTP requests: how a mutation sets or clears the session cookie. */
  cookies?: {
    setSession(token: string, expiresAt: Date): void;
    clearSession(): void;
  };
}
