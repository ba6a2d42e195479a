/**
 * auth/providers.json (one object keyed by provider name), the legacy auth_providers/<name>.json
 * (one provider per file, same shape) and auth/custom_user_data.json. Provider options are
 * checked per type, with the limits of docs: authentication/custom-jwt and email-password.
 */
import { z } from 'zod';
import { jsonObject, secretNameOrEmpty } from './common';

export const AUTH_PROVIDER_TYPES = [
  'anon-user',
  'local-userpass',
  'api-key',
  'custom-token',
  'custom-function',
  'oauth2-google',
  'oauth2-facebook',
  'oauth2-apple',
] as const;

const metadataField = z.looseObject({
  required: z.boolean().optional(),
  name: z.string().min(1),
  field_name: z.string().max(63).optional(),
});

export const authProviderSchema = z.looseObject({
  name: z.string().optional(),
  type: z.enum(AUTH_PROVIDER_TYPES),
  disabled: z.boolean().optional(),
  config: jsonObject.optional(),
  secret_config: z.record(z.string(), z.union([secretNameOrEmpty, z.array(secretNameOrEmpty)])).optional(),
  metadata_fields: z.array(metadataField).optional(),
  redirect_uris: z.array(z.string()).optional(),
});

export type AuthProviderFile = z.output<typeof authProviderSchema>;

/** providers.json: each entry is then checked on its own, so one bad provider spoils only itself. */
export const authProvidersFileSchema = z.record(z.string(), jsonObject);

export const customJwtConfigSchema = z.looseObject({
  audience: z.union([z.string(), z.array(z.string())]).optional(),
  requireAnyAudience: z.boolean().optional(),
  // App Services offers HS256 and RS256; HS384 and HS512 are accepted too, for tokens minted
  // outside App Services and verified by the emulator alone.
  signingAlgorithm: z.enum(['HS256', 'HS384', 'HS512', 'RS256']).optional(),
  useJWKURI: z.boolean().optional(),
  jwkURI: z.string().optional(),
});

/** Up to three signing keys (docs: custom-jwt); older exports name a single `signingKey`. */
export const customJwtSecretConfigSchema = z.looseObject({
  signingKeys: z.array(secretNameOrEmpty).max(3).optional(),
  signingKey: secretNameOrEmpty.optional(),
});

const emailSubject = z.string().max(256).optional();

export const emailPasswordConfigSchema = z.looseObject({
  autoConfirm: z.boolean().optional(),
  emailConfirmationUrl: z.string().optional(),
  confirmEmailSubject: emailSubject,
  runConfirmationFunction: z.boolean().optional(),
  confirmationFunctionName: z.string().optional(),
  resetPasswordUrl: z.string().optional(),
  resetPasswordSubject: emailSubject,
  runResetFunction: z.boolean().optional(),
  resetFunctionName: z.string().optional(),
});

export const customFunctionConfigSchema = z.looseObject({
  authFunctionName: z.string().optional(),
});

export const customUserDataSchema = z.looseObject({
  enabled: z.boolean().optional(),
  mongo_service_name: z.string().optional(),
  database_name: z.string().optional(),
  collection_name: z.string().optional(),
  user_id_field: z.string().optional(),
  on_user_creation_function_name: z.string().optional(),
});
