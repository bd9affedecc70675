import type { CodegenConfig } from '@graphql-codegen/cli';

// Client types come from the schema the server emits (schema.graphql at the root). Documents live
// beside the feature that uses them, mostly as `.graphql` files.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['client/src/**/*.{ts,svelte,graphql}', '!client/src/lib/graphql/generated/**'],
  ignoreNoDocuments: true,
  generates: {
    // Every enum of the schema, as a const object and a type: the client's ErrorReason comes from
    // here even though no operation returns it (decision 33).
    'client/src/lib/graphql/generated/enums.ts': {
      plugins: ['typescript'],
      config: {
        onlyEnums: true,
        enumsAsConst: true,
        namingConvention: { enumValues: 'keep' },
        useTypeImports: true,
      },
    },
    'client/src/lib/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        strictScalars: true,
        scalars: { LocalDate: 'string', DateTimeISO: 'string' },
        enumType: 'string-literal',
        skipTypeNameForRoot: true,
      },
    },
  },
};

export default config;
