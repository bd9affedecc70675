import {
  OptionalProps,
  Entity,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from './person.entity.js';

/** A parent (or other legal guardian) of a pupil. */
@Entity({ tableName: 'guardianship' })
@TenantFilter()
@Unique({ properties: ['guardian', 'pupil'] })
export class Guardianship {
  [OptionalProps]?: 'kind';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  guardian!: Ref<Person>;

  @ManyToOne(() => Person, {
    ref: true,
    deleteRule: 'cascade',
    index: 'guardianship_pupil_id_index',
  })
  pupil!: Ref<Person>;

  @Property({ length: 20 })
  kind: 'mother' | 'father' | 'guardian' = 'guardian';
}
