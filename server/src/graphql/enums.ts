import { registerEnumType } from 'type-graphql';

/** The language of a generated document (PDF, XLSX, CSV); the interface's own language is the client's. */
export enum Lang {
  RU = 'ru',
  EN = 'en',
}
registerEnumType(Lang, { name: 'Lang', description: 'Language of a generated document' });

/** The format of a file the server generates (an export, a template, a report). */
export enum FileFormat {
  PDF = 'pdf',
  XLSX = 'xlsx',
  CSV = 'csv',
  JSON = 'json',
}
registerEnumType(FileFormat, {
  name: 'FileFormat',
  description: 'Format of a generated file; each operation says which formats it offers',
});
