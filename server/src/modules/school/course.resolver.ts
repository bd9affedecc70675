import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Course } from './course.entity.js';
import { ClassGroup } from './class-group.entity.js';
import { Subject } from './subject.entity.js';
import { CourseInput, CreateCourseInput } from './school.inputs.js';
import { Staff } from '../../graphql/types.js';
import { Subgroup } from '../subgroups/subgroup.entity.js';
import type { RequestContext } from '../../graphql/context.js';
import type { ClassGroupView, CourseRow, SubjectView } from './course.read.js';

// A course is an entity (after a write) or a row of the read model (lists, `me`): a row brings
// its class, subject, subgroup's name and teacher embedded, read in the list's one statement.

@Resolver(() => Course)
export class CourseResolver {
  @Query(() => [Course], {
    description: 'Courses of a class, or of a year (the current one by default)',
  })
  async courses(
    @Arg('academicYearId', () => ID, { nullable: true }) academicYearId: string | null,
    @Arg('classGroupId', () => ID, { nullable: true }) classGroupId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CourseRow[]> {
    return ctx.services.courses.list(
      ctx,
      { academicYearId, classGroupId },
      await ctx.loaders.today(),
    );
  }

  @FieldResolver(() => ClassGroup)
  classGroup(@Root() course: Course | CourseRow): Promise<ClassGroup> | ClassGroupView | null {
    return course instanceof Course
      ? course.classGroup.loadOrFail({ dataloader: true })
      : course.classGroup;
  }

  @FieldResolver(() => Subject)
  subject(@Root() course: Course | CourseRow): Promise<Subject> | SubjectView | null {
    return course instanceof Course
      ? course.subject.loadOrFail({ dataloader: true })
      : course.subject;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The subgroup whose journal page this is',
  })
  subgroupName(
    @Root() course: Course | CourseRow,
    @Ctx() ctx: RequestContext,
  ): string | null | Promise<string | null> {
    // Not async: a row's value goes back as it is, so graphql-js has no promise to wait for.
    if (!(course instanceof Course)) return course.subgroupName;
    if (!course.subgroup) return null;
    return ctx.em.findOne(Subgroup, course.subgroup.id).then((s) => s?.name ?? null);
  }

  @FieldResolver(() => Staff)
  teacher(
    @Root() course: Course | CourseRow,
    @Ctx() ctx: RequestContext,
  ): Staff | null | Promise<Staff | null> {
    if (!(course instanceof Course)) return course.teacher;
    return ctx.loaders.staff.load(course.teacher.id);
  }

  @Mutation(() => Course)
  createCourse(
    @Arg('input') input: CreateCourseInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Course> {
    return ctx.services.courses.create(ctx, input);
  }

  @Mutation(() => Course)
  updateCourse(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: CourseInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Course> {
    return ctx.services.courses.update(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteCourse(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<string> {
    await ctx.services.courses.delete(ctx, id);
    return id;
  }
}
