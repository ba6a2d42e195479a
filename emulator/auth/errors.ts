/**
 * Every refusal of the auth module, as App Services answers it: a status, an `error_code` and a
 * message. They are AppServicesErrors, so the HTTP layer maps them without knowing about auth, and
 * the Data API and endpoints get the same answers as the client API.
 *
 * Sources, per line: [CORE] realm-core's integration tests against the real server
 * (test/object-store/sync/app.cpp), [WEB] realm-web's source, [OBS] a server answer quoted in a
 * public repository, [SPEC] /work/shared/spec/APP_SERVICES.md. "choice" marks what no source
 * gives: the emulator's decision, kept consistent (401 for refused credentials, 404 for unknown
 * things, 409 for names taken).
 */
import { AppServicesError } from '../http/errors';

export const authErrors = {
  // ── providers ──
  /** choice: no source shows the answer for a provider name the app does not have. */
  providerNotFound: (name: string) => AppServicesError.notFound('AuthProviderNotFound', `auth provider not found: '${name}'`),
  /** [OBS] "InvalidSession(4301) authentication via 'custom-token' is unsupported" (SoeMoeAung060/Diary-App); status choice. */
  providerDisabled: (name: string) => AppServicesError.unauthorized('InvalidSession', `authentication via '${name}' is unsupported`),
  /** choice: a provider type App Services has and this emulator does not run. */
  providerNotServed: (name: string, reason: string) => new AppServicesError(501, 'AuthProviderNotFound', `authentication via '${name}' is not served by the emulator: ${reason}`),

  // ── credentials ──
  /** [CORE] "cannot login with wrong password" → InvalidPassword; the same answer for an unknown email, so logins cannot probe which emails exist. Message and status choice. */
  invalidPassword: () => AppServicesError.unauthorized('InvalidPassword', 'invalid username/password'),
  /** choice: an email/password account that was registered and never confirmed. */
  confirmationRequired: () => AppServicesError.unauthorized('AuthError', 'confirmation required'),
  /** [CORE] a disabled user's login fails with UserDisabled; message and status choice. */
  userDisabled: () => AppServicesError.unauthorized('UserDisabled', 'user disabled'),
  /** choice: an API key that does not exist (or was deleted). */
  invalidApiKey: () => AppServicesError.unauthorized('AuthError', 'invalid API key'),
  /** choice. */
  apiKeyDisabled: () => AppServicesError.unauthorized('AuthError', 'API key disabled'),
  /** choice for the status; AuthError as for metadata below; messages in custom-token.ts. */
  invalidJwt: (message: string) => AppServicesError.unauthorized('AuthError', message),
  /** [OBS] "AuthError(4346) expected field 'picture' to be in token metadata" (SoeMoeAung060/Diary-App). */
  missingMetadataField: (name: string) => AppServicesError.unauthorized('AuthError', `expected field '${name}' to be in token metadata`),
  /** choice: Data API credentials whose identity has no user while create_user_on_auth is off. */
  noUserForCredentials: () => AppServicesError.unauthorized('AuthError', 'no user exists for these credentials and create_user_on_auth is off'),
  /** choice: login?link=true with an identity that already belongs to someone else. */
  identityLinkedElsewhere: () => AppServicesError.badRequest('BadRequest', 'this identity is already linked to another user'),

  // ── sessions and tokens ──
  /** [CORE] realm-core's "api-key without a user" sections: "must authenticate first"; MissingAuthReq is in its error-code list. */
  mustAuthenticate: () => AppServicesError.unauthorized('MissingAuthReq', 'must authenticate first'),
  /** [WEB][CORE] 401 InvalidSession makes SDKs refresh the access token and retry once. */
  invalidSession: (detail: string) => AppServicesError.unauthorized('InvalidSession', `invalid session: ${detail}`),

  // ── email/password ──
  /** [CORE] "double registration should fail": "name already in use", AccountNameInUse; status choice. */
  accountNameInUse: () => new AppServicesError(409, 'AccountNameInUse', 'name already in use'),
  /** [SPEC] message from realm-web's integration tests; code and status choice. */
  passwordLength: () => AppServicesError.badRequest('BadRequest', 'password must be between 6 and 128 characters'),
  /** choice. */
  invalidEmail: () => AppServicesError.badRequest('BadRequest', 'email invalid'),
  /** [CORE] "invalid token data"; UserpassTokenInvalid is in realm-core's error-code list; status choice. */
  invalidTokenData: () => AppServicesError.badRequest('UserpassTokenInvalid', 'invalid token data'),
  /** [CORE] "resend confirmation email" / "retry custom confirmation" of a confirmed user. */
  alreadyConfirmed: () => AppServicesError.badRequest('UserAlreadyConfirmed', 'already confirmed'),
  /** [CORE] "user not found", UserNotFound; status choice. */
  userNotFound: () => AppServicesError.notFound('UserNotFound', 'user not found'),
  /** [CORE] a confirmation function that returned `fail`: BadRequest. */
  confirmationFailed: (email: string) => AppServicesError.badRequest('BadRequest', `failed to confirm user "${email}"`),
  /** [CORE] a reset function that returned `fail` ("is_service_error"); code and status choice. */
  resetFailed: (email: string) => AppServicesError.badRequest('BadRequest', `failed to reset password for user "${email}"`),
  /** [SPEC] docs: with a reset function configured, "send reset email" fails; message choice. */
  resetByEmailOff: (functionName: string | undefined) =>
    AppServicesError.badRequest('BadRequest', `password reset emails are off: the provider resets passwords with the function "${functionName ?? '?'}" (reset/call)`),
  /** choice. */
  functionOff: (what: string) => AppServicesError.badRequest('BadRequest', `${what} is not enabled for this provider`),
  /**
   * choice: the app asks for a function (confirmation, reset) and the emulator was started without
   * the function runtime, so there is nothing that can run it.
   */
  noFunctionRuntime: (functionName: string | undefined) =>
    new AppServicesError(501, 'FunctionExecutionError', `the function "${functionName ?? '?'}" cannot run: this emulator was started without a function runtime`),
  /** choice: a custom-function provider's authentication function threw; its message is the answer. */
  customFunctionRefused: (message: string) => AppServicesError.unauthorized('AuthError', message),
  /** choice: the authentication function answered neither an id string nor `{id, name}`. */
  badAuthFunctionResult: (functionName: string) =>
    AppServicesError.badRequest('FunctionExecutionError', `the authentication function "${functionName}" must return a user id (a non-empty string) or {id, name}`),
  /** choice: what a confirmation or reset function returned is not `{status: "success" | "pending" | "fail"}`. */
  badFunctionResult: (functionName: string | undefined) =>
    AppServicesError.badRequest('FunctionExecutionError', `the function "${functionName ?? '?'}" must return {status: "success" | "pending" | "fail"}`),

  // ── API keys ──
  /** [CORE] "API key not found", APIKeyNotFound (also for another user's key); status choice. */
  apiKeyNotFound: () => AppServicesError.notFound('APIKeyNotFound', 'API key not found'),
  /** choice; APIKeyAlreadyExists is in realm-core's error-code list. */
  apiKeyNameInUse: (name: string) => new AppServicesError(409, 'APIKeyAlreadyExists', `API key with name "${name}" already exists`),
  /** [SPEC] ≤ 100 server keys per app, ≤ 20 keys per user; code and status choice. */
  apiKeyLimit: (limit: number) => AppServicesError.badRequest('BadRequest', `maximum number of API keys (${limit}) reached`),
  /** [SPEC] user keys are for non-anonymous users; code and status choice. */
  anonymousApiKey: () => AppServicesError.forbidden('BadRequest', 'anonymous users cannot create API keys'),
  /** choice. */
  invalidParameter: (message: string) => AppServicesError.badRequest('InvalidParameter', message),
};
