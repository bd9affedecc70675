import {
  OptionalProps,
  Entity,
  Enum,
  ManyToOne,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';

export enum Sex {
  M = 'M',
  F = 'F',
}

/** A human being known to the school. Personal fields are never exposed without a guard. */
@Entity({ tableName: 'person' })
@TenantFilter()
export class Person {
  [OptionalProps]?: 'createdAt' | 'fullName' | 'shortName';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Property({ length: 100 })
  lastName!: string;

  @Property({ length: 100 })
  firstName!: string;

  @Property({ length: 100, nullable: true })
  middleName?: string | null;

  @Enum({ items: () => Sex, nullable: true, nativeEnumName: 'sex' })
  sex?: Sex | null;

  @Property({ type: 'date', nullable: true })
  birthDate?: string | null;

  @Property({ length: 50, nullable: true })
  phone?: string | null;

  @Property({ length: 200, nullable: true })
  email?: string | null;

  @Property({ length: 300, nullable: true })
  address?: string | null;

  /** An identity document, e.g. a birth certificate «II-АБ № 123456». */
  @Property({ length: 200, nullable: true })
  document?: string | null;

  /** When the class teacher last confirmed the record is current. */
  @Property({ type: 'timestamptz', nullable: true })
  recordConfirmedAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  recordConfirmedBy?: number | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  get fullName(): string {
    return fullNameOf(this);
  }

  /** «Иванова А. П.» as journals print it. */
  get shortName(): string {
    return shortNameOf(this);
  }
}

/** A person's names, as a read model has them without the entity. */
export interface Names {
  lastName: string;
  firstName: string;
  middleName?: string | null;
}

/** «Иванова Анна Петровна». */
export function fullNameOf(p: Names): string {
  return [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
}

/** «Иванова А. П.» as journals print it. */
export function shortNameOf(p: Names): string {
  const initials = [p.firstName, p.middleName]
    .filter((s): s is string => !!s)
    .map((s) => `${s[0]}.`)
    .join(' ');
  return initials ? `${p.lastName} ${initials}` : p.lastName;
}
