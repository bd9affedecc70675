/** Prints the schema the server builds into ../schema.graphql (or to stdout with --stdout). */
import 'reflect-metadata';
import fs from 'node:fs/promises';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildAppSchema } from '../graphql/schema.js';

const sdl = printSchema(lexicographicSortSchema(await buildAppSchema())) + '\n';
if (process.argv.includes('--stdout')) {
  process.stdout.write(sdl);
} else {
  const target = path.resolve(import.meta.dirname, '../../../schema.graphql');
  await fs.writeFile(target, sdl);
  console.log(`written ${target}`);
}
