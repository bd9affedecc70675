import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Lang } from '../../graphql/enums.js';

/** What may be pushed; each person turns each kind on or off. */
export enum PushKind {
  MARK = 'MARK',
  ABSENCE = 'ABSENCE',
  MESSAGE = 'MESSAGE',
  ANNOUNCEMENT = 'ANNOUNCEMENT',
  WEEKLY_REPORT = 'WEEKLY_REPORT',
  CANCELLED_DAY = 'CANCELLED_DAY',
}
registerEnumType(PushKind, {
  name: 'PushKind',
  description: 'A kind of event that may be pushed to a device',
});

export const ALL_KINDS: readonly PushKind[] = Object.values(PushKind);

@ObjectType({ description: 'A device (browser) that receives the viewer’s pushes' })
export class PushDevice {
  @Field(() => ID) id!: string;
  @Field({ description: 'What the device called itself when subscribing' }) label!: string;
  @Field({ description: 'The push service’s address, to recognise this browser’s own row' })
  endpoint!: string;
  @Field() createdAt!: Date;
}

@ObjectType({ description: 'The viewer’s push choices and devices' })
export class PushSettings {
  @Field({ description: 'The server’s VAPID public key, for pushManager.subscribe' })
  publicKey!: string;
  @Field(() => [PushKind], { description: 'The kinds pushed; the rest are not' })
  kinds!: PushKind[];
  @Field({ description: 'Show what happened (the mark, the sender); off: only that it did' })
  detail!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'Quiet hours start, HH:MM in the school’s time zone',
  })
  quietFrom!: string | null;
  @Field(() => String, { nullable: true, description: 'Quiet hours end, HH:MM' })
  quietTo!: string | null;
  @Field(() => [PushDevice]) devices!: PushDevice[];
}

@InputType({
  description: 'A push subscription as the browser’s PushSubscription.toJSON() gives it',
})
export class PushDeviceInput {
  @Field({ description: 'The push service’s https address' }) endpoint!: string;
  @Field({ description: 'keys.p256dh, URL-safe base64' }) p256dh!: string;
  @Field({ description: 'keys.auth, URL-safe base64' }) auth!: string;
  @Field({ description: 'A name for the device, shown in the list' }) label!: string;
  @Field(() => Lang, { description: 'The language of its pushes', defaultValue: Lang.RU })
  lang!: Lang;
}

@InputType({ description: 'The viewer’s push choices' })
export class PushPreferencesInput {
  @Field(() => [PushKind]) kinds!: PushKind[];
  @Field() detail!: boolean;
  @Field(() => String, { nullable: true, description: 'HH:MM; both or neither' })
  quietFrom?: string | null;
  @Field(() => String, { nullable: true, description: 'HH:MM; may be earlier than quietFrom' })
  quietTo?: string | null;
}
