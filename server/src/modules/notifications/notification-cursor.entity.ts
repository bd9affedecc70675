import { Entity, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { Person } from '../people/person.entity.js';

/** How far a person has read their notifications: the last outbox event id seen. */
@Entity({ tableName: 'notification_cursor' })
@TenantFilter()
export class NotificationCursor {
  [OptionalProps]?: 'lastReadEventId';

  @ManyToOne('Person', { ref: true, primary: true, deleteRule: 'cascade' })
  person!: Ref<Person>;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Property({ type: 'bigint' })
  lastReadEventId: string = '0';
}
