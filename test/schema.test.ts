/**
 * The schema: the committed SDL equals the code's; the fixed core contract (schema/api-core.graphql) is
 * implemented exactly; every type, field, argument and enum value has a description.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { getSchema, schemaSdl } from '../src/schema';

const root = path.join(__dirname, '..');
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await getSchema();
});

test('schema/schema.graphql is the SDL the code generates (run `npm run schema:emit` after changing the API)', async () => {
  expect(fs.readFileSync(path.join(root, 'schema/schema.graphql'), 'utf8')).toBe(await schemaSdl());
});

test('every type and field of the core contract exists with the same type, arguments and defaults', () => {
  const contract = buildSchema(fs.readFileSync(path.join(root, 'schema/api-core.graphql'), 'utf8'));
  const problems: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    const ours = schema.getType(type.name);
    if (!ours) {
      problems.push(`missing type ${type.name}`);
      continue;
    }
    if (isEnumType(type)) {
      const values = isEnumType(ours) ? ours.getValues().map((v) => v.name) : [];
      if (JSON.stringify(values) !== JSON.stringify(type.getValues().map((v) => v.name))) problems.push(`enum ${type.name} differs: ${values}`);
    } else if (isObjectType(type) || isInputObjectType(type)) {
      const ourFields = (ours as typeof type).getFields() as Record<string, any>;
      for (const field of Object.values(type.getFields()) as any[]) {
        const mine = ourFields[field.name];
        if (!mine) problems.push(`missing field ${type.name}.${field.name}`);
        else {
          if (String(mine.type) !== String(field.type)) problems.push(`${type.name}.${field.name}: ${mine.type} instead of ${field.type}`);
          if (mine.defaultValue !== field.defaultValue) problems.push(`${type.name}.${field.name}: default ${mine.defaultValue}`);
          for (const arg of field.args ?? []) {
            const a = mine.args.find((x: any) => x.name === arg.name);
            if (!a || String(a.type) !== String(arg.type)) problems.push(`${type.name}.${field.name}(${arg.name}) differs`);
          }
        }
      }
    }
  }
  expect(problems).toEqual([]);
});

test('every type, field, argument and enum value has a description', () => {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    if (!type.description) missing.push(type.name);
    if (isEnumType(type)) for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()) as any[]) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args ?? []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
  }
  expect(missing).toEqual([]);
});
