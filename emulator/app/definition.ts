/**
 * AppDefinition: one exported App Services app, read, validated, normalized and resolved.
 *
 * This is the input of everything that serves an app (auth, rules, the Data API, endpoints,
 * functions). It is already in the current (config_version 20210101) model: legacy layouts are
 * mapped by the loader and nowhere else, environment templates are expanded, secret-linked values
 * and secrets are resolved. Names follow this codebase (camelCase) except in rule documents, which
 * keep App Services' own field names because the rules engine interprets them as App Services
 * documents them.
 *
 * Every part remembers the file it came from (relative to the app directory, `/`-separated) so
 * that later errors can point at it.
 */

/** Any JSON value, as JSON.parse gives it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type ConfigLayout = 'current' | 'legacy-20180301' | 'legacy-20200603';
export type RootFileName = 'root_config.json' | 'realm_config.json' | 'config.json' | 'stitch.json';
/** `""` is the "no environment" case, whose values come from environments/no-environment.json. */
export type EnvironmentTag = '' | 'development' | 'testing' | 'qa' | 'production';

export interface AppMeta {
  /** The client app id (`<name>-<5 letters>`) used in every URL: /app/<appId>/… */
  appId: string;
  /** Where appId came from, so `validate` can say why it is what it is. */
  appIdSource: 'option' | 'root-file' | 'mdb-meta' | 'name';
  name: string;
  /** App Services' region code, e.g. "US-VA". */
  location?: string;
  /** Cloud region of root_config.json exports, e.g. "aws-us-east-1". */
  providerRegion?: string;
  deploymentModel?: 'GLOBAL' | 'LOCAL';
  configVersion: number;
  layout: ConfigLayout;
  rootFile: RootFileName;
  /** Absolute path of the app directory. */
  directory: string;
  /** Atlas project id (group_id) when the CLI's .mdb bookkeeping recorded it. */
  projectId?: string;
}

/** The active environment: `context.environment` and `%%environment` in rules. */
export interface EnvironmentDefinition {
  tag: EnvironmentTag;
  values: JsonObject;
  /** The environments/<name>.json file the values came from; absent when the app has none. */
  file?: string;
}

/**
 * A secret named by the app. `value` is present when the caller gave the secret; an app that
 * needs a secret it was not given has a MissingSecret error problem.
 */
export interface SecretRef {
  name: string;
  value?: string;
}

// ── Auth ────────────────────────────────────────────────────────────────────────────────────

export type AuthProviderType =
  | 'anon-user'
  | 'local-userpass'
  | 'api-key'
  | 'custom-token'
  | 'custom-function'
  | 'oauth2-google'
  | 'oauth2-facebook'
  | 'oauth2-apple';

/** A field copied from the identity (e.g. a JWT claim) into `user.data`. */
export interface MetadataField {
  /** Dotted path in the source (a literal dot is escaped as `\.`). */
  name: string;
  /** Name in `user.data`; App Services defaults it to the last segment of `name`. */
  fieldName: string;
  required: boolean;
}

interface AuthProviderBase {
  /** Key in auth/providers.json; for built-in providers App Services makes it equal to the type. */
  name: string;
  disabled: boolean;
  /** Whether this emulator implements the provider type (see SERVED_AUTH_PROVIDER_TYPES). */
  served: boolean;
  metadataFields: MetadataField[];
  redirectUris: string[];
  /** secret_config as exported: option name → secret(s), resolved when given. */
  secretConfig: Record<string, SecretRef | SecretRef[]>;
  file: string;
}

export interface AnonymousProvider extends AuthProviderBase {
  type: 'anon-user';
}

export interface ApiKeyProvider extends AuthProviderBase {
  type: 'api-key';
}

export interface EmailPasswordConfig {
  autoConfirm: boolean;
  emailConfirmationUrl?: string;
  confirmEmailSubject?: string;
  runConfirmationFunction: boolean;
  confirmationFunctionName?: string;
  resetPasswordUrl?: string;
  resetPasswordSubject?: string;
  runResetFunction: boolean;
  resetFunctionName?: string;
}

export interface EmailPasswordProvider extends AuthProviderBase {
  type: 'local-userpass';
  config: EmailPasswordConfig;
}

export interface CustomJwtConfig {
  /** Always an array (older exports wrote one string). Empty ⇒ `aud` must be the app id. */
  audience: string[];
  /** false ⇒ the JWT must carry every listed audience; true ⇒ any one. */
  requireAnyAudience: boolean;
  /** App Services offers HS256 and RS256; the emulator also verifies HS384 and HS512. */
  signingAlgorithm: 'HS256' | 'HS384' | 'HS512' | 'RS256';
  useJWKURI: boolean;
  jwkURI?: string;
}

export interface CustomJwtProvider extends AuthProviderBase {
  type: 'custom-token';
  config: CustomJwtConfig;
  /** secret_config.signingKeys (≤ 3), resolved; older exports' single `signingKey` is mapped here. */
  signingKeys: SecretRef[];
}

export interface CustomFunctionProvider extends AuthProviderBase {
  type: 'custom-function';
  config: { authFunctionName?: string };
}

export interface OAuth2Provider extends AuthProviderBase {
  type: 'oauth2-google' | 'oauth2-facebook' | 'oauth2-apple';
  config: JsonObject;
}

export type AuthProvider =
  | AnonymousProvider
  | ApiKeyProvider
  | EmailPasswordProvider
  | CustomJwtProvider
  | CustomFunctionProvider
  | OAuth2Provider;

export interface CustomUserDataConfig {
  enabled: boolean;
  /** Name of the data source that holds the collection (legacy `mongo_service_id` is mapped). */
  dataSourceName?: string;
  databaseName?: string;
  collectionName?: string;
  userIdField?: string;
  onUserCreationFunctionName?: string;
  file: string;
}

// ── Rules and data sources ──────────────────────────────────────────────────────────────────

/** `true`, `false`, or an expression document (`{}` is true); interpreted by the rules engine. */
export type RuleExpression = boolean | JsonObject;

export interface FieldPermissions {
  read?: RuleExpression;
  write?: RuleExpression;
  fields?: Record<string, FieldPermissions>;
}

/**
 * A role exactly as App Services documents it. Absent fields are left absent: their defaults
 * (and the documented conflict about `delete`) are the rules engine's to apply.
 */
export interface Role {
  name: string;
  apply_when?: RuleExpression;
  document_filters?: { read?: RuleExpression; write?: RuleExpression };
  read?: RuleExpression;
  write?: RuleExpression;
  insert?: RuleExpression;
  delete?: RuleExpression;
  search?: RuleExpression;
  fields?: Record<string, FieldPermissions>;
  additional_fields?: { read?: RuleExpression; write?: RuleExpression };
}

export interface Filter {
  name: string;
  apply_when?: RuleExpression;
  query?: JsonObject;
  projection?: JsonObject;
}

export interface Relationship {
  /** `#/relationship/<data source>/<db>/<collection>` */
  ref: string;
  source_key: string;
  foreign_key: string;
  is_list: boolean;
}

export interface CollectionRules {
  roles: Role[];
  filters: Filter[];
  file: string;
}

export interface CollectionDefinition {
  database: string;
  collection: string;
  /** Absent when the collection has only a schema: the data source's default rule applies. */
  rules?: CollectionRules;
  /** JSON-Schema-like document (`bsonType`, `properties`, `required`…), enforced on writes. */
  schema?: JsonObject;
  relationships: Record<string, Relationship>;
}

export type DataSourceType = 'mongodb-atlas' | 'mongodb-datafederation' | 'datalake' | 'mongodb';

export interface DataSourceDefinition {
  /** What Data API requests pass as `dataSource` and functions pass to `context.services.get()`. */
  name: string;
  type: DataSourceType;
  /** `config` as exported (clusterName, readPreference, wireProtocolEnabled, dataLakeName…). */
  config: JsonObject;
  /** default_rule.json: used for every collection that defines no roles of its own. */
  defaultRule?: { roles: Role[]; filters: Filter[]; file: string };
  /** Keyed by "<database>.<collection>" (database names cannot contain a dot). */
  collections: ReadonlyMap<string, CollectionDefinition>;
  file: string;
}

// ── Functions ───────────────────────────────────────────────────────────────────────────────

/** Who a function, the Data API or a webhook runs as; `run_as_system` wins over the others. */
export type RunAs =
  | { kind: 'application' }
  | { kind: 'system' }
  | { kind: 'user-id'; userId: string }
  | { kind: 'user-id-script'; source: string };

export interface FunctionDefinition {
  /** Slash-separated path under functions/ without `.js`: `utils/add` ↔ functions/utils/add.js. */
  name: string;
  /** Source text. Absent only when `missing`. */
  source?: string;
  /** The source file, relative to the app directory. */
  sourceFile?: string;
  /** Listed in config but without a source: calling it fails with FunctionNotFound. */
  missing: boolean;
  /** Callable only from other functions, rules, endpoints and triggers, not by clients. */
  private: boolean;
  /** Evaluated per call; absent or `{}` ⇒ authorized. */
  canEvaluate?: RuleExpression;
  runAs: RunAs;
  disableArgLogs: boolean;
  /** Where the configuration came from. */
  origin: 'config' | 'default-config' | 'webhook';
}

/** functions/package.json and any node_modules shipped with the app. */
export interface FunctionDependencies {
  packageJsonFile?: string;
  dependencies: Record<string, string>;
  nodeModules?: { kind: 'directory' | 'archive'; file: string };
}

// ── Endpoints and the Data API ──────────────────────────────────────────────────────────────

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';
export type ReturnType = 'JSON' | 'EJSON';

/** The secret a request is validated against: a named app secret, or a legacy webhook's own. */
export type ValidationSecret = { source: 'secret'; name: string; value?: string } | { source: 'inline'; value: string };

export type RequestValidation =
  | { method: 'NO_VALIDATION' }
  | { method: 'SECRET_AS_QUERY_PARAM' | 'VERIFY_PAYLOAD'; secret: ValidationSecret };

export interface EndpointDefinition {
  /** Starts with `/`, matched literally after /app/<appId>/endpoint. */
  route: string;
  httpMethod: HttpMethod;
  functionName: string;
  validation: RequestValidation;
  respondResult: boolean;
  fetchCustomUserData: boolean;
  createUserOnAuth: boolean;
  disabled: boolean;
  returnType: ReturnType;
  /** The endpoint's own can_evaluate, when its config has one; the function's is on the function. */
  canEvaluate?: RuleExpression;
  origin: { kind: 'config'; file: string; index: number } | { kind: 'webhook'; file: string; service: string; webhook: string };
}

export interface DataApiConfig {
  disabled: boolean;
  versions: Array<'beta' | 'v1'>;
  returnType: ReturnType;
  createUserOnAuth: boolean;
  runAs: RunAs;
  validation: RequestValidation;
  canEvaluate?: RuleExpression;
  fetchCustomUserData: boolean;
  logFunctionArguments: boolean;
  file: string;
}

// ── Values, what is not served, secrets ─────────────────────────────────────────────────────

export interface ValueDefinition {
  name: string;
  /** The value, or the secret's text for a secret-linked value; undefined when that secret was not given. */
  value: JsonValue | undefined;
  /** Set for secret-linked values (`from_secret: true`). */
  secretName?: string;
  file: string;
}

export type NotServedKind =
  | 'sync'
  | 'graphql'
  | 'hosting'
  | 'trigger'
  | 'log-forwarder'
  | 'third-party-service'
  | 'service-webhook'
  | 'auth-provider';

/** A part of the export the emulator reads only to say that it does not serve it. */
export interface NotServedPart {
  kind: NotServedKind;
  name: string;
  file: string;
  detail?: string;
}

export interface SecretUse {
  file: string;
  /** JSON path of the reference inside `file`. */
  path: string;
  /** Who uses it, e.g. `auth provider "custom-token"`. */
  part: string;
  /** What for, e.g. `JWT signing key`. */
  purpose: string;
  /** The part is enabled and served, so the app cannot be served without the secret. */
  required: boolean;
}

export interface SecretReference {
  name: string;
  given: boolean;
  neededBy: SecretUse[];
}

export interface AppDefinition {
  meta: AppMeta;
  environment: EnvironmentDefinition;
  authProviders: ReadonlyMap<string, AuthProvider>;
  customUserData?: CustomUserDataConfig;
  dataSources: ReadonlyMap<string, DataSourceDefinition>;
  functions: ReadonlyMap<string, FunctionDefinition>;
  functionDependencies: FunctionDependencies;
  endpoints: EndpointDefinition[];
  /** Absent when the export has no data_api_config.json (the Data API was never set up). */
  dataApi?: DataApiConfig;
  values: ReadonlyMap<string, ValueDefinition>;
  /** `<scheme>://<host>[:port]`; empty ⇒ any origin. */
  allowedRequestOrigins: string[];
  notServed: NotServedPart[];
  /** Every secret the app names, with who needs it; sorted by name. */
  secretsReferenced: SecretReference[];
}

/**
 * The provider types this emulator implements (ARCHITECTURE.md, auth/providers/). The others are
 * kept in the definition and listed as not served.
 */
export const SERVED_AUTH_PROVIDER_TYPES: ReadonlySet<AuthProviderType> = new Set<AuthProviderType>([
  'anon-user',
  'local-userpass',
  'api-key',
  'custom-token',
  'custom-function',
]);
