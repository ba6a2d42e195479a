/**
 * The root file (root_config.json, realm_config.json, or the legacy config.json / stitch.json)
 * and the CLI's .mdb bookkeeping. One schema serves all four names: the legacy fields
 * (`security`, `custom_user_data_config`, `hosting`) simply do not occur in current exports.
 */
import { z } from 'zod';

export const environmentTag = z.enum(['', 'development', 'testing', 'qa', 'production']);

/** Legacy root field; the current layout moved it to auth/custom_user_data.json. */
const legacyCustomUserDataSchema = z.looseObject({
  enabled: z.boolean().optional(),
  mongo_service_id: z.string().optional(),
  mongo_service_name: z.string().optional(),
  database_name: z.string().optional(),
  collection_name: z.string().optional(),
  user_id_field: z.string().optional(),
  on_user_creation_function_name: z.string().optional(),
});

export const rootFileSchema = z.looseObject({
  config_version: z.number().int().optional(),
  app_id: z.string().optional(),
  name: z.string().min(1),
  location: z.string().optional(),
  provider_region: z.string().optional(),
  deployment_model: z.enum(['GLOBAL', 'LOCAL']).optional(),
  environment: environmentTag.optional(),
  allowed_request_origins: z.array(z.string()).optional(),
  security: z.looseObject({ allowed_request_origins: z.array(z.string()).optional() }).optional(),
  custom_user_data_config: legacyCustomUserDataSchema.optional(),
  hosting: z.looseObject({ enabled: z.boolean().optional() }).optional(),
});

export type RootFile = z.output<typeof rootFileSchema>;

/** .mdb/meta.json (appservices CLI) and .mdb/app_meta.json (realm-cli). */
export const mdbMetaSchema = z.looseObject({
  config_version: z.number().optional(),
  app_id: z.string().optional(),
  client_app_id: z.string().optional(),
  group_id: z.string().optional(),
});
