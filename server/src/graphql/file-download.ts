import { Field, ObjectType } from 'type-graphql';

/** A generated file (PDF, XLSX, CSV), Base64 inside GraphQL (decision 18); any area may answer one. */
@ObjectType({ description: 'A file for download, Base64-encoded' })
export class FileDownload {
  @Field() filename!: string;
  @Field() contentType!: string;
  @Field() base64!: string;
}
