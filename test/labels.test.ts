/**
 * Labels (issue 7, item 4): `labels(lang)` gives every value of every enum of the live schema a Vietnamese and an
 * English label, so a new enum or value without labels fails here. Vietnamese labels are NFC with their diacritics.
 */
import { isEnumType } from 'graphql';
import { getSchema } from '../src/schema';
import { useDatabase } from './harness';

const t = useDatabase();

const LABELS = `query Labels($lang: Lang!, $enum: String) { labels(lang: $lang, enum: $enum) { enum values { value label } } }`;

type EnumLabels = { enum: string; values: { value: string; label: string }[] };

/** Letters of Vietnamese outside ASCII (marked vowels and đ). */
const VIETNAMESE_LETTER = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

describe('labels', () => {
  let schemaEnums: { name: string; values: string[] }[];
  let vi: EnumLabels[];
  let en: EnumLabels[];

  beforeAll(async () => {
    const schema = await getSchema();
    schemaEnums = Object.values(schema.getTypeMap())
      .filter(isEnumType)
      .filter((e) => !e.name.includes('__'))
      .map((e) => ({ name: e.name, values: e.getValues().map((v) => v.name) }));
    vi = (await t.gql.data(LABELS, { lang: 'VI' })).labels;
    en = (await t.gql.data(LABELS, { lang: 'EN' })).labels;
  });

  test('every enum of the schema and every value has a label in both languages', () => {
    expect(schemaEnums.length).toBeGreaterThanOrEqual(15);
    for (const answer of [vi, en]) {
      expect(answer.map((e) => e.enum).sort()).toEqual(schemaEnums.map((e) => e.name).sort());
      for (const { name, values } of schemaEnums) {
        const got = answer.find((e) => e.enum === name)!;
        expect(got.values.map((v) => v.value)).toEqual(values);
        for (const v of got.values) {
          // A value without a label falls back to its own name: that is the failure this test exists for.
          expect({ enum: name, value: v.value, label: v.label.trim() === '' || v.label === v.value ? 'MISSING' : 'ok' }).toEqual({ enum: name, value: v.value, label: 'ok' });
        }
      }
    }
  });

  test('Vietnamese labels are NFC with diacritics, English ones are not Vietnamese', () => {
    const label = (list: EnumLabels[], name: string, value: string) => list.find((e) => e.enum === name)!.values.find((v) => v.value === value)!.label;
    expect(label(vi, 'Body', 'INSPECTION_COMMISSION')).toBe('Ủy ban kiểm tra');
    expect(label(en, 'Body', 'INSPECTION_COMMISSION')).toBe('Inspection commission');
    expect(label(vi, 'DisciplineForm', 'EXPULSION')).toBe('Khai trừ');
    expect(label(vi, 'Lang', 'VI')).toBe('Tiếng Việt');
    for (const e of vi) {
      for (const v of e.values) {
        expect(v.label).toBe(v.label.normalize('NFC'));
        expect([e.enum, v.value, VIETNAMESE_LETTER.test(v.label)]).toEqual([e.enum, v.value, true]);
      }
    }
    for (const e of en) {
      for (const v of e.values) expect([e.enum, v.value, VIETNAMESE_LETTER.test(v.label)]).toEqual([e.enum, v.value, false]);
    }
  });

  test('one enum on request; an unknown enum is a BAD_USER_INPUT that lists the enums', async () => {
    const body = (await t.gql.data(LABELS, { lang: 'EN', enum: 'Authority' })).labels as EnumLabels[];
    expect(body).toEqual([en.find((e) => e.enum === 'Authority')]);
    const bad = await t.gql.run(LABELS, { lang: 'VI', enum: 'Nope' });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/"Nope" is not an enum of the schema.*\bBody\b/);
    const badLang = await t.gql.run(LABELS, { lang: 'FR' });
    expect(badLang.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
