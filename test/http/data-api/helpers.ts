/**
 * A small app for Data API tests, written to a temporary directory: the api-key, email/password
 * and custom JWT providers, and rules on a few collections of the `shop` database —
 *
 *   shop.items    readWrite: everyone reads and writes everything
 *   shop.orders   a `%%user` filter: each user sees and changes only documents with its owner_id
 *   shop.catalog  readOnly: read true, write/insert/delete false (like the tutorial's routes)
 *   shop.secret   no rules at all: NoMatchingRuleFound
 *
 * `dataApi` overrides fields of http_endpoints/data_api_config.json.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Collection, Document, ObjectId } from 'mongodb';
import request from 'supertest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../emulator';
import { removeApps, writeApp, type AppFiles } from '../../app/helpers/temp-app';

export const APP_ID = 'data-api-test-abcde';
export const JWT_SECRET = 'data-api-test-signing-secret-0123456789';
export const ENDPOINT_SECRET = 'endpoint-secret-value';
export const ADMIN_KEY = { publicKey: 'dataapi', privateKey: 'd6f1c1a2-5b0e-4c55-9d77-2f0e6c3b9a10' };

const readWrite = (name: string) => ({ name, apply_when: {}, read: true, write: true, insert: true, delete: true, search: true });

export const BASE_FILES: AppFiles = {
  'root_config.json': { app_id: APP_ID, config_version: 20210101, name: 'data-api-test', location: 'US-VA', deployment_model: 'GLOBAL', environment: '' },
  'auth/providers.json': {
    'api-key': { name: 'api-key', type: 'api-key', disabled: false },
    'local-userpass': {
      name: 'local-userpass',
      type: 'local-userpass',
      disabled: false,
      config: { autoConfirm: true, resetPasswordUrl: 'https://example.com/reset', runConfirmationFunction: false, runResetFunction: false },
    },
    'custom-token': {
      name: 'custom-token',
      type: 'custom-token',
      disabled: false,
      config: { audience: [APP_ID], requireAnyAudience: false, signingAlgorithm: 'HS256', useJWKURI: false },
      secret_config: { signingKeys: ['jwtSecret'] },
    },
  },
  'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas', config: { clusterName: 'Cluster0' } },
  'data_sources/mongodb-atlas/shop/items/rules.json': { database: 'shop', collection: 'items', roles: [readWrite('readWrite')] },
  'data_sources/mongodb-atlas/shop/orders/rules.json': {
    database: 'shop',
    collection: 'orders',
    roles: [readWrite('owner')],
    filters: [{ name: 'mine', apply_when: {}, query: { owner_id: '%%user.id' }, projection: {} }],
  },
  'data_sources/mongodb-atlas/shop/catalog/rules.json': {
    database: 'shop',
    collection: 'catalog',
    roles: [{ name: 'readOnly', apply_when: {}, read: true, write: false, insert: false, delete: false, search: true }],
  },
};

export const DATA_API_CONFIG = {
  disabled: false,
  versions: ['v1'],
  return_type: 'EJSON',
  create_user_on_auth: true,
  run_as_system: false,
  run_as_user_id: '',
  run_as_user_id_script_source: '',
  validation_method: 'NO_VALIDATION',
  secret_name: '',
  can_evaluate: {},
  fetch_custom_user_data: false,
  log_function_arguments: true,
};

/** Test documents have numbers and strings as _ids, not only ObjectIds. */
export type TestDocument = { _id?: number | string | ObjectId; [field: string]: unknown };

export interface DataApiTestApp {
  emulator: Emulator;
  /** A server API key created through the Admin API. */
  apiKey: string;
  /** POST …/endpoint/data/<version>/action/<action> with the API key, the body sent as JSON text. */
  post(action: string, body: unknown, headers?: Record<string, string>, version?: string): request.Test;
  /** A collection of the shop database through the driver, around the emulator's rules. */
  collection(name: string): Collection<TestDocument>;
  stop(): Promise<void>;
}

export async function startDataApiApp(
  dataApi: Record<string, unknown> = {},
  files: AppFiles = {},
  options: Partial<EmulatorOptions> = {},
): Promise<DataApiTestApp> {
  const directory = await writeApp({ ...BASE_FILES, 'http_endpoints/data_api_config.json': { ...DATA_API_CONFIG, ...dataApi }, ...files });
  const emulator = await startEmulator({
    app: directory,
    secrets: { jwtSecret: JWT_SECRET, endpointSecret: ENDPOINT_SECRET },
    adminKey: ADMIN_KEY,
    ...options,
  });
  // Unique per emulator: several of them may share one database (and so one app's keys).
  const key = await emulator.auth.createServerApiKey(`tests-${randomBytes(4).toString('hex')}`).catch(async (error: unknown) => {
    await emulator.stop();
    throw error;
  });
  const post = (action: string, body: unknown, headers: Record<string, string> = {}, version = 'v1') =>
    request(emulator.app)
      .post(`/app/${APP_ID}/endpoint/data/${version}/action/${action}`)
      .set({ 'Content-Type': 'application/json', apiKey: key.key, ...headers })
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    emulator,
    apiKey: key.key,
    post,
    collection: (name) => emulator.mongo.client.db('shop').collection<TestDocument>(name),
    async stop() {
      await emulator.stop();
      await removeApps();
    },
  };
}

/** A custom JWT the app's custom-token provider accepts. */
export function signJwt(subject: string, claims: Document = {}): string {
  return jwt.sign({ sub: subject, aud: APP_ID, ...claims }, JWT_SECRET, { algorithm: 'HS256', expiresIn: '1h' });
}

/** The namespace fields of a request body. */
export function on(collection: string, fields: Document = {}): Document {
  return { dataSource: 'mongodb-atlas', database: 'shop', collection, ...fields };
}

/** Every error body has App Services' shape. */
export function expectErrorShape(body: unknown): void {
  expect(body).toEqual({ error: expect.any(String), error_code: expect.any(String), link: expect.stringMatching(/\/_emulator\/requests\/[0-9a-f]+$/) });
}

/** A response's JSON or EJSON body as parsed JSON (supertest parses only application/json). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bodyOf(response: request.Response): any {
  return JSON.parse(response.text);
}
