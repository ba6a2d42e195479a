/**
 * values/<name>.json (docs: reference/config/values): `{ name, value, from_secret }`. With
 * `from_secret: true`, `value` is the name of a secret and the value is that secret's text.
 */
import type { ValueDefinition } from '../definition';
import { describeValue } from '../json/schema-errors';
import { valueFileSchema } from '../schemas/values';
import type { SecretBook } from '../secrets';
import type { LoadContext } from './context';

export async function readValues(context: LoadContext, secrets: SecretBook): Promise<Map<string, ValueDefinition>> {
  const values = new Map<string, ValueDefinition>();
  for (const entry of await context.list('values')) {
    if (entry.kind !== 'file' || !entry.name.endsWith('.json')) continue;
    const file = `values/${entry.name}`;
    const parsed = await context.readAndParse(valueFileSchema, file);
    if (!parsed) continue;
    const stem = entry.name.slice(0, -'.json'.length);
    if (parsed.name !== stem) {
      context.problems.warning('NameMismatch', `the value is named "${parsed.name}" but its file is ${entry.name}; "${parsed.name}" is used`, { file, path: '$.name' });
    }
    if (values.has(parsed.name)) {
      context.problems.error('DuplicateName', `a second value is named "${parsed.name}"`, { file, path: '$.name' });
      continue;
    }
    if (!parsed.from_secret) {
      values.set(parsed.name, { name: parsed.name, value: parsed.value, file });
      continue;
    }
    if (typeof parsed.value !== 'string' || parsed.value === '') {
      context.problems.error('SchemaViolation', `expected the name of a secret because from_secret is true, found ${describeValue(parsed.value)}`, { file, path: '$.value' });
      values.set(parsed.name, { name: parsed.name, value: undefined, file });
      continue;
    }
    const secret = secrets.reference(parsed.value, { file, path: '$.value', part: `value "${parsed.name}"`, purpose: 'secret-linked value', required: true });
    values.set(parsed.name, { name: parsed.name, value: secret.value, secretName: parsed.value, file });
  }
  return values;
}
