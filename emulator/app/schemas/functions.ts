/**
 * functions/config.json (an array, docs: reference/config/functions), the legacy
 * functions/<name>/config.json (one object per function) and functions/package.json.
 */
import { z } from 'zod';
import { jsonObject, ruleExpression } from './common';

const functionSettings = {
  private: z.boolean().optional(),
  can_evaluate: ruleExpression.optional(),
  disable_arg_logs: z.boolean().optional(),
  run_as_system: z.boolean().optional(),
  run_as_user_id: z.string().optional(),
  run_as_user_id_script_source: z.string().optional(),
};

export const functionConfigSchema = z.looseObject({
  name: z.string().min(1),
  ...functionSettings,
});

/** Entries are checked one by one, so one bad entry spoils only its own function. */
export const functionsConfigFileSchema = z.array(jsonObject);

/** Legacy: the folder gives the name when the file has none. */
export const legacyFunctionConfigSchema = z.looseObject({
  name: z.string().min(1).optional(),
  ...functionSettings,
});

export const packageJsonSchema = z.looseObject({
  dependencies: z.record(z.string(), z.string()).optional(),
});
