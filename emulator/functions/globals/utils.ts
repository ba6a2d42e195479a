/**
 * The `utils` global: `utils.jwt` and `utils.crypto` as App Services documents them
 * (docs: functions/globals), checked against the docs' own examples:
 *  - crypto.encrypt("aes", …) is AES-GCM with the key's bytes as the key (16, 24 or 32 bytes) and
 *    the output laid out as nonce (12 bytes) | ciphertext | tag (16 bytes): the docs' example
 *    ciphertext decrypts that way with the docs' key;
 *  - hmac and hash give the docs' example outputs;
 *  - sign/verify use RSA with SHA-256, PSS (the default) or PKCS#1 v1.5, keys in PKCS#1 PEM.
 */
import * as crypto from 'node:crypto';
import { Binary } from 'bson';
import jwt from 'jsonwebtoken';

const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];
const AES_NONCE_BYTES = 12;
const AES_TAG_BYTES = 16;

const jwtUtils = {
  encode(signingMethod: string, payload: unknown, secret: string, customHeaderFields?: unknown): string {
    const algorithm = oneOf('signing method', signingMethod, JWT_ALGORITHMS) as jwt.Algorithm;
    const header = { ...(plain(customHeaderFields) as object), alg: algorithm, typ: 'JWT' } as jwt.JwtHeader;
    // App Services signs the payload as given: no `iat` is added (jsonwebtoken adds one unless
    // told not to, and when told not to it drops the caller's own).
    const claims = plain(payload) as Record<string, unknown>;
    return jwt.sign(claims, secret, { algorithm, header, noTimestamp: claims.iat === undefined });
  },
  decode(token: string, key: string, returnHeader?: boolean, acceptedSigningMethods?: string[]): unknown {
    const algorithms = acceptedSigningMethods
      ? (plain(acceptedSigningMethods) as string[]).map((method) => oneOf('signing method', method, JWT_ALGORITHMS) as jwt.Algorithm)
      : undefined;
    const decoded = jwt.verify(String(token), key, { algorithms, complete: true });
    return returnHeader ? { header: decoded.header, payload: decoded.payload } : decoded.payload;
  },
};

const cryptoUtils = {
  encrypt(encryptionType: string, message: unknown, key: string): Binary {
    const keyBytes = aesKey(encryptionType, key);
    const nonce = crypto.randomBytes(AES_NONCE_BYTES);
    const cipher = crypto.createCipheriv(`aes-${keyBytes.length * 8}-gcm`, keyBytes, nonce) as crypto.CipherGCM;
    const encrypted = Buffer.concat([cipher.update(bytes(message)), cipher.final()]);
    return new Binary(Buffer.concat([nonce, encrypted, cipher.getAuthTag()]));
  },
  decrypt(encryptionType: string, encryptedMessage: unknown, key: string): Binary {
    const keyBytes = aesKey(encryptionType, key);
    const data = bytes(encryptedMessage);
    if (data.length < AES_NONCE_BYTES + AES_TAG_BYTES) throw new Error('the encrypted message is too short to have been encrypted with utils.crypto.encrypt');
    const decipher = crypto.createDecipheriv(`aes-${keyBytes.length * 8}-gcm`, keyBytes, data.subarray(0, AES_NONCE_BYTES)) as crypto.DecipherGCM;
    decipher.setAuthTag(data.subarray(data.length - AES_TAG_BYTES));
    return new Binary(Buffer.concat([decipher.update(data.subarray(AES_NONCE_BYTES, data.length - AES_TAG_BYTES)), decipher.final()]));
  },
  sign(encryptionType: string, message: unknown, privateKey: string, signatureScheme = 'pss'): Binary {
    oneOf('encryption type', encryptionType, ['rsa']);
    const key = { key: privateKey, ...padding(signatureScheme, crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN) };
    return new Binary(crypto.sign('sha256', bytes(message), key));
  },
  verify(encryptionType: string, message: unknown, publicKey: string, signature: unknown, signatureScheme = 'pss'): boolean {
    oneOf('encryption type', encryptionType, ['rsa']);
    const key = { key: publicKey, ...padding(signatureScheme, crypto.constants.RSA_PSS_SALTLEN_AUTO) };
    return crypto.verify('sha256', bytes(message), key, bytes(signature));
  },
  hmac(input: unknown, secret: string, hashFunction: string, outputFormat: string): string {
    oneOf('hash function', hashFunction, ['sha1', 'sha256', 'sha512']);
    const format = oneOf('output format', outputFormat, ['hex', 'base64']) as 'hex' | 'base64';
    return crypto.createHmac(hashFunction, String(secret)).update(bytes(input)).digest(format);
  },
  hash(hashFunction: string, input: unknown): Binary {
    oneOf('hash function', hashFunction, ['sha1', 'sha256', 'md5']);
    return new Binary(crypto.createHash(hashFunction).update(bytes(input)).digest());
  },
};

for (const method of [...Object.values(jwtUtils), ...Object.values(cryptoUtils)]) Object.freeze(method);

/** A fresh `utils` global for one call (its methods are shared and frozen). */
export function createUtilsGlobal(): Record<string, unknown> {
  return { jwt: { ...jwtUtils }, crypto: { ...cryptoUtils } };
}

function aesKey(encryptionType: string, key: string): Buffer {
  oneOf('encryption type', encryptionType, ['aes']);
  const keyBytes = Buffer.from(String(key), 'utf8');
  if (![16, 24, 32].includes(keyBytes.length)) throw new Error(`an AES key must be 16, 24 or 32 bytes long; this one has ${keyBytes.length}`);
  return keyBytes;
}

function padding(scheme: string, pssSaltLength: number): { padding: number; saltLength?: number } {
  if (oneOf('signature scheme', scheme, ['pss', 'pkcs1v15']) === 'pss') {
    return { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength };
  }
  return { padding: crypto.constants.RSA_PKCS1_PADDING };
}

/** A string (UTF-8), a BSON.Binary or bytes, as bytes. */
function bytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value !== null && typeof value === 'object' && (value as { _bsontype?: unknown })._bsontype === 'Binary') {
    return Buffer.from((value as Binary).buffer);
  }
  return Buffer.from(String(value), 'utf8');
}

function oneOf(what: string, value: unknown, allowed: string[]): string {
  if (typeof value === 'string' && allowed.includes(value)) return value;
  throw new Error(`${what} ${JSON.stringify(value)} is not supported; use one of ${allowed.map((item) => `"${item}"`).join(', ')}`);
}

/** A sandbox value as a plain host value (jsonwebtoken insists on plain objects). */
function plain(value: unknown): unknown {
  return value === undefined ? {} : JSON.parse(JSON.stringify(value));
}
