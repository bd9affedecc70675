import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import { policy } from '../../auth/policy.js';

/**
 * Collects, during one request, which personal fields of whom a member of staff read; written in
 * one statement before the answer leaves (app.ts). Reads of one's own data or one's children's
 * are not logged: they are not "another person's" data.
 */
export class PersonalDataReads {
  private readonly reads = new Map<number, Set<string>>();

  constructor(private readonly viewer: Viewer | null) {}

  note(subjectId: number, field: string): void {
    const v = this.viewer;
    if (!v || !policy.isStaff(v) || policy.isSelfOrGuardian(v, subjectId)) return;
    const set = this.reads.get(subjectId) ?? new Set<string>();
    set.add(field);
    this.reads.set(subjectId, set);
  }

  get size(): number {
    return this.reads.size;
  }

  async flush(em: EntityManager): Promise<void> {
    if (this.reads.size === 0 || !this.viewer) return;
    const entries = [...this.reads].map(([s, f]) => ({ s, f: [...f].sort() }));
    this.reads.clear();
    await em.execute(
      `insert into personal_data_access (school_id, reader_id, subject_id, fields)
       select ?, ?, (x->>'s')::int, array(select jsonb_array_elements_text(x->'f'))
         from jsonb_array_elements(?::jsonb) x`,
      [this.viewer.schoolId, this.viewer.personId, JSON.stringify(entries)],
    );
  }
}
