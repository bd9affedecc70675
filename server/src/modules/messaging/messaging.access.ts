import type { EntityManager } from '@mikro-orm/postgresql';
import { Role, STAFF_ROLES } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';

const ADMINISTRATION = [Role.SYSADMIN, Role.DIRECTOR, Role.DEPUTY];

/**
 * Who may start a conversation with whom (R-2.6, R-3.4), in bulk: one statement answers the set
 * of people the viewer may reach, from today's enrolments, guardianships, courses (subgroups
 * respected), class teachers and roles. A person reaches the union of what each of their roles
 * gives (a parent who also teaches reaches both sets):
 *
 * - everyone reaches the administration (SYSADMIN, DIRECTOR, DEPUTY);
 * - the administration reaches anyone in the school;
 * - staff reach staff;
 * - a pupil reaches the teachers of own courses and own class teacher;
 * - a parent reaches the teachers and class teachers of own children;
 * - a teacher reaches the pupils taught or led today, and their parents.
 *
 * Nobody else: not parent to parent, not parent to another family's pupil (nor to own child:
 * the issue lists whom a parent writes to, and a child is not among them), not pupil to parent
 * or to another pupil. Nobody reaches another school: every table is read within the viewer's.
 * A reply needs no reach: membership of the conversation is enough.
 */
const REACH = `
with v as (select ?::int as school, ?::int as me, ?::date as today, ?::boolean as is_admin,
                  ?::boolean as is_staff),
today_enrolment as (
  select en.pupil_id, en.class_group_id from enrollment en, v
   where en.school_id = v.school and en.starts_on <= v.today
     and (en.ends_on is null or en.ends_on >= v.today)),
pupil_teacher as (
  select te.pupil_id, co.teacher_id from today_enrolment te
    join course co on co.class_group_id = te.class_group_id
   where co.subgroup_id is null or exists (
     select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = te.pupil_id)
  union
  select te.pupil_id, cg.class_teacher_id from today_enrolment te
    join class_group cg on cg.id = te.class_group_id where cg.class_teacher_id is not null),
reach as (
  select p.id from person p, v where p.school_id = v.school and v.is_admin
  union select g.person_id from role_grant g, v
   where g.school_id = v.school and g.role::text = any(?::text[])
  union select g.person_id from role_grant g, v
   where g.school_id = v.school and v.is_staff and g.role::text = any(?::text[])
  union select pt.teacher_id from pupil_teacher pt, v where pt.pupil_id = v.me
  union select pt.teacher_id from pupil_teacher pt join guardianship gs on gs.pupil_id = pt.pupil_id, v
   where gs.guardian_id = v.me
  union select pt.pupil_id from pupil_teacher pt, v where pt.teacher_id = v.me
  union select gs.guardian_id from pupil_teacher pt join guardianship gs on gs.pupil_id = pt.pupil_id, v
   where pt.teacher_id = v.me)
select p.id, p.last_name as "lastName", p.first_name as "firstName",
       array(select g.role::text from role_grant g where g.person_id = p.id order by 1) as roles,
       array(select distinct cg.grade || cg.letter from class_group cg
               join today_enrolment te on te.class_group_id = cg.id
              where te.pupil_id = p.id
                 or te.pupil_id in (select gs.pupil_id from guardianship gs where gs.guardian_id = p.id)
              order by 1) as classes
  from reach r join person p on p.id = r.id, v
 where p.school_id = v.school and p.id <> v.me`;

export interface Reachable {
  id: number;
  lastName: string;
  firstName: string;
  roles: Role[];
  /** The classes the person is in today, as a pupil or as a parent of one ("7А"). */
  classes: string[];
}

export interface ReachFilter {
  /** Only these people (checking the recipients of a new conversation). */
  only?: readonly number[];
  /** A part of the name, or a class ("7А"). */
  search?: string;
  role?: Role;
  limit?: number;
}

/** The people the viewer may start a conversation with, today, filtered; one statement. */
export async function reachable(
  em: EntityManager,
  viewer: Viewer,
  today: string,
  filter: ReachFilter = {},
): Promise<Reachable[]> {
  const roles = [...viewer.roles];
  const params: unknown[] = [
    viewer.schoolId,
    viewer.personId,
    today,
    roles.some((r) => ADMINISTRATION.includes(r)),
    roles.some((r) => STAFF_ROLES.includes(r)),
    pgArray(ADMINISTRATION),
    pgArray(STAFF_ROLES),
  ];
  let sql = REACH;
  if (filter.only) {
    sql += ` and p.id = any(?::int[])`;
    params.push(pgArray(filter.only.map((i) => Math.trunc(i))));
  }
  if (filter.role) {
    sql += ` and exists (select 1 from role_grant g where g.person_id = p.id and g.role::text = ?)`;
    params.push(filter.role);
  }
  const search = filter.search?.trim().toLowerCase();
  if (search) {
    // A class name matches as a whole ("7а"); a name matches by any part.
    sql += ` and (lower(p.last_name || ' ' || p.first_name || ' ' || coalesce(p.middle_name, '')) like ? escape '\\'
                  or exists (select 1 from unnest(array(select distinct cg.grade || cg.letter from class_group cg
                               join today_enrolment te on te.class_group_id = cg.id
                              where te.pupil_id = p.id or te.pupil_id in (
                                select gs.pupil_id from guardianship gs where gs.guardian_id = p.id))) c(name)
                              where lower(c.name) = ?))`;
    params.push(`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, search);
  }
  sql += ` order by p.last_name, p.first_name, p.id`;
  if (filter.limit) {
    sql += ` limit ?`;
    params.push(filter.limit);
  }
  return em.execute<Reachable[]>(sql, params);
}

/** A list as a PostgreSQL array literal: knex would spread a JS array into a list of values. */
const pgArray = (items: readonly (string | number)[]) => `{${items.join(',')}}`;
