/**
 * Building blocks shared by the file schemas. Every object schema is loose: exports differ between
 * App Services versions and carry fields the emulator does not use (`id`, `version`, …), so
 * unknown fields are accepted, while known fields of the wrong type are errors.
 */
import { z } from 'zod';
import type { JsonObject, RuleExpression } from '../definition';

export function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export const jsonObject = z.custom<JsonObject>(isPlainObject, { error: 'an object' });

/** `true`, `false` or an expression document; the rules engine interprets it. */
export const ruleExpression = z.custom<RuleExpression>((value) => typeof value === 'boolean' || isPlainObject(value), {
  error: 'a rule expression (true, false or an object)',
});

/**
 * Names of values, secrets and data sources: at most 64 ASCII letters, digits, underscores and
 * hyphens (docs: values-and-secrets, data_sources).
 */
export const serviceName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
  error: 'a name of 1 to 64 characters, each a letter, digit, "_" or "-"',
});

/** Value names must also start with a letter or a digit (docs: define-a-value). */
export const valueName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
  error: 'a name of 1 to 64 characters (letters, digits, "_" or "-") that starts with a letter or a digit',
});

/**
 * A secret name as referenced from config. Exports write `""` for "no secret", so an empty string
 * is accepted here and treated as absent by the readers.
 */
export const secretNameOrEmpty = z.string().regex(/^([A-Za-z0-9_-]{1,64})?$/, {
  error: 'a secret name of at most 64 characters, each a letter, digit, "_" or "-"',
});

/** Reads `""` — how exports spell "not set" for strings — as absent. */
export function present(text: string | undefined | null): string | undefined {
  return text === undefined || text === null || text === '' ? undefined : text;
}
