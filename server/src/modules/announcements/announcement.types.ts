import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AttachmentInfo } from '../messaging/messaging.types.js';
import { AnnouncementAudience } from './announcement.entity.js';

registerEnumType(AnnouncementAudience, {
  name: 'AnnouncementAudience',
  description:
    'Whom an announcement is for: a class’s parents or pupils, a grade’s parents, all parents, all staff',
});

@InputType()
export class PostAnnouncementInput {
  @Field(() => AnnouncementAudience) audience!: AnnouncementAudience;
  @Field(() => ID, { nullable: true, description: 'For CLASS_PARENTS and CLASS_PUPILS' })
  classGroupId?: string | null;
  @Field(() => Int, { nullable: true, description: 'For GRADE_PARENTS' })
  grade?: number | null;
  @Field() title!: string;
  @Field() body!: string;
  @Field({ defaultValue: false, description: 'Whether recipients may reply (to the author alone)' })
  repliesAllowed!: boolean;
  @Field({ defaultValue: false, description: 'Whether recipients are asked to acknowledge it' })
  ackRequired!: boolean;
  @Field(() => [ID], {
    defaultValue: [],
    description: 'The author’s uploads (POST /files) to attach, in order',
  })
  attachmentIds!: string[];
}

@ObjectType({ description: 'An audience the viewer may post to' })
export class AnnouncementTarget {
  @Field(() => AnnouncementAudience) audience!: AnnouncementAudience;
  @Field(() => ID, { nullable: true }) classGroupId!: string | null;
  @Field(() => Int, { nullable: true }) grade!: number | null;
  @Field(() => String, { nullable: true, description: 'The class, e.g. «7А»' })
  className!: string | null;
}

@ObjectType({ description: 'A recipient’s read and acknowledgement state (for the author)' })
export class AnnouncementReader {
  @Field(() => ID) personId!: string;
  @Field() name!: string;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
}

@ObjectType({ description: 'An announcement as its author or a recipient sees it' })
export class AnnouncementInfo {
  @Field(() => ID) id!: string;
  @Field(() => ID) authorId!: string;
  @Field() authorName!: string;
  @Field(() => AnnouncementAudience) audience!: AnnouncementAudience;
  @Field(() => String, { nullable: true }) className!: string | null;
  @Field(() => Int, { nullable: true }) grade!: number | null;
  @Field() title!: string;
  @Field() body!: string;
  @Field(() => [AttachmentInfo], { description: 'Its files (author and recipients read them)' })
  attachments!: AttachmentInfo[];
  @Field() repliesAllowed!: boolean;
  @Field() ackRequired!: boolean;
  @Field() at!: Date;
  @Field({ description: 'The viewer wrote it' }) mine!: boolean;
  @Field(() => Date, { nullable: true, description: 'When the viewer read it' })
  readAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the viewer acknowledged it' })
  acknowledgedAt!: Date | null;
  @Field(() => Int, { description: 'How many it was addressed to' }) recipients!: number;
  @Field(() => Int, { nullable: true, description: 'How many have read it (the author only)' })
  readCount!: number | null;
  @Field(() => Int, { nullable: true, description: 'How many acknowledged (the author only)' })
  ackCount!: number | null;
  @Field(() => Date, { nullable: true }) remindedAt!: Date | null;
}

@ObjectType()
export class AnnouncementPage {
  @Field(() => [AnnouncementInfo]) items!: AnnouncementInfo[];
  @Field(() => ID, { nullable: true, description: 'Pass as `after` for the next page' })
  nextCursor!: string | null;
  @Field(() => Int, { description: 'Addressed to the viewer and not yet read' }) unread!: number;
}

@ObjectType()
export class AnnouncementReplyResult {
  @Field(() => ID, { description: 'The direct conversation with the author' })
  conversationId!: string;
}
