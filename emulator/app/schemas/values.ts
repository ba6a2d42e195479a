/**
 * values/<name>.json and environments/<name>.json (docs: reference/config/values, environments).
 */
import { z } from 'zod';
import type { JsonValue } from '../definition';
import { jsonObject, valueName } from './common';

export const valueFileSchema = z.looseObject({
  name: valueName,
  value: z.custom<JsonValue>((value) => value !== undefined, { error: 'a value' }),
  from_secret: z.boolean().optional(),
});

export const environmentFileSchema = z.looseObject({
  values: jsonObject.optional(),
});
