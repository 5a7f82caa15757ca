/**
 * `labels(lang, enum)`: the Vietnamese or English display label of every value of every enum of the schema (from
 * src/labels.ts), so that front ends show the same words as the exports and hard-code none. The enums and their
 * values are read from the live schema, so the answer always matches it; test/labels.test.ts fails when an enum or
 * a value of the schema has no label.
 */
import { Arg, Field, Info, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { isEnumType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { badUserInput } from './errors';
import { ENUM_LABELS, type Label, type Lang } from './labels';

export enum LangValue {
  VI = 'VI',
  EN = 'EN',
}

registerEnumType(LangValue, {
  name: 'Lang',
  description: 'A language of labels.',
  valuesConfig: {
    VI: { description: 'Vietnamese (tiếng Việt).' },
    EN: { description: 'English.' },
  },
});

@ObjectType('EnumValueLabel', { simpleResolvers: true, description: 'One enum value and its display label.' })
export class EnumValueLabelType {
  @Field(() => String, { description: 'The value as the schema spells it, e.g. INSPECTION_COMMISSION.' })
  value!: string;
  @Field(() => String, { description: 'Its display label in the language asked, e.g. "Ủy ban kiểm tra".' })
  label!: string;
}

@ObjectType('EnumLabels', { simpleResolvers: true, description: 'The display labels of one enum of the schema, in one language.' })
export class EnumLabelsType {
  @Field(() => String, { description: 'The enum\'s name in the schema, e.g. Body.' })
  enum!: string;
  @Field(() => [EnumValueLabelType], { description: 'Every value of the enum, in the schema\'s order, with its label.' })
  values!: EnumValueLabelType[];
}

/** The domain enums of `schema`, by name. */
export function schemaEnums(schema: GraphQLSchema) {
  return Object.values(schema.getTypeMap())
    .filter(isEnumType)
    .filter((t) => !t.name.includes('__')) // introspection's __TypeKind…, and federation's link__Purpose on /subgraph
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The labels of the schema's enums in `lang` (a value without a label shows as itself). */
export function enumLabels(schema: GraphQLSchema, lang: Lang, only?: string | null): EnumLabelsType[] {
  const enums = schemaEnums(schema);
  const chosen = only == null ? enums : enums.filter((e) => e.name === only);
  if (only != null && chosen.length === 0) {
    throw badUserInput(`enum: "${only}" is not an enum of the schema; the enums are ${enums.map((e) => e.name).join(', ')}.`, { field: 'enum' });
  }
  return chosen.map((e) => {
    const labels = (ENUM_LABELS as Record<string, Record<string, Label> | undefined>)[e.name];
    return { enum: e.name, values: e.getValues().map((v) => ({ value: v.name, label: labels?.[v.name]?.[lang] ?? v.name })) };
  });
}

@Resolver()
export class LabelsResolver {
  @Query(() => [EnumLabelsType], {
    description: 'Display labels of every enum value of the schema in Vietnamese or English, ordered by enum name; front ends show these rather than hard-coding words.',
  })
  labels(
    @Arg('lang', () => LangValue, { description: 'The language of the labels.' }) lang: LangValue,
    @Arg('enum', () => String, { nullable: true, description: 'Only this enum (its schema name, e.g. Body); default every enum.' }) only: string | null,
    @Info() info: GraphQLResolveInfo,
  ): EnumLabelsType[] {
    return enumLabels(info.schema, lang === LangValue.EN ? 'en' : 'vi', only);
  }
}
