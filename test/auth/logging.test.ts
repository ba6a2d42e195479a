/**
 * No secret in the logs at the default level (info): passwords, API keys, JWTs, access and refresh
 * tokens, the admin private key, confirmation and reset tokens. Only at debug level does the mailbox
 * log the tokens it catches, as a development mail catcher shows them.
 */
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import pino from 'pino';
import request from 'supertest';
import { startEmulator } from '../../emulator';
import { AUTH_APP, AUTH_SECRETS, JWT_KEY } from './helpers';

const ADMIN_KEY = { publicKey: 'logcheck', privateKey: '9f8e7d6c-5b4a-4321-8fed-cba987654321' };

function capturedLogger(level: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, stream), text: () => lines.join('') };
}

/** Every auth flow over HTTP; returns each secret that went through the emulator. */
async function exerciseAuth(level: string) {
  const capture = capturedLogger(level);
  const emulator = await startEmulator({ app: AUTH_APP, secrets: AUTH_SECRETS, adminKey: ADMIN_KEY, logger: capture.logger });
  const secrets: string[] = [ADMIN_KEY.privateKey, JWT_KEY, ...Object.values(AUTH_SECRETS)];
  try {
    const http = request(emulator.app);
    const base = `/api/client/v2.0/app/${emulator.appId}/auth/providers`;
    const email = 'logs@example.com';
    const password = 'a-password-that-must-never-be-logged';
    const newPassword = 'another-password-that-must-never-be-logged';
    secrets.push(password, newPassword);

    await http.post(`${base}/local-userpass/register`).send({ email, password }).expect(201);
    const confirmation = (await emulator.auth.mailbox.latest(email))!;
    secrets.push(confirmation.token);
    await http.post(`${base}/local-userpass/confirm`).send({ token: confirmation.token, tokenId: confirmation.tokenId }).expect(204);
    await http.post(`${base}/local-userpass/login`).send({ username: email, password: 'wrong-password-also-secret' }).expect(401);
    secrets.push('wrong-password-also-secret');
    const login = (await http.post(`${base}/local-userpass/login`).send({ username: email, password }).expect(200)).body;
    secrets.push(login.access_token, login.refresh_token);

    const refreshed = (await http.post('/api/client/v2.0/auth/session').set('Authorization', `Bearer ${login.refresh_token}`).expect(201)).body;
    secrets.push(refreshed.access_token);
    const userKey = (await http.post('/api/client/v2.0/auth/api_keys').set('Authorization', `Bearer ${login.refresh_token}`).send({ name: 'k' }).expect(201)).body;
    secrets.push(userKey.key);
    await http.post(`${base}/api-key/login`).send({ key: userKey.key }).expect(200);

    const token = jwt.sign({ sub: 'logger', aud: 'auth-providers-kqzvw', exp: Math.floor(Date.now() / 1000) + 60, user_data: { department: 'x' } }, JWT_KEY);
    secrets.push(token);
    await http.post(`${base}/custom-token/login`).send({ token }).expect(200);
    await http.post(`${base}/custom-token/login`).send({ token: `${token}tampered` }).expect(401);

    const admin = (await http.post('/api/admin/v3.0/auth/providers/mongodb-cloud/login').send({ username: ADMIN_KEY.publicKey, apiKey: ADMIN_KEY.privateKey }).expect(200)).body;
    secrets.push(admin.access_token, admin.refresh_token);
    const serverKey = (await http.post(`/api/admin/v3.0/groups/g/apps/${emulator.appId}/api_keys`).set('Authorization', `Bearer ${admin.access_token}`).send({ name: 's' }).expect(201)).body;
    secrets.push(serverKey.key);
    await http.post(`${base}/api-key/login`).send({ key: serverKey.key }).expect(200);

    await http.post(`${base}/local-userpass/reset/send`).send({ email }).expect(204);
    const reset = (await emulator.auth.mailbox.latest(email, 'password-reset'))!;
    secrets.push(reset.token);
    await http.post(`${base}/local-userpass/reset`).send({ password: newPassword, token: reset.token, tokenId: reset.tokenId }).expect(204);
    await http.delete('/api/client/v2.0/auth/session').set('Authorization', `Bearer ${login.refresh_token}`).expect(204);
    await http.get('/_emulator/mailbox').auth(ADMIN_KEY.publicKey, ADMIN_KEY.privateKey).expect(200);
    return { text: capture.text(), secrets, tokens: [confirmation.token, reset.token] };
  } finally {
    await emulator.stop();
  }
}

describe('logs', () => {
  it('hold no password, key, token or secret at the default (info) level', async () => {
    const { text, secrets } = await exerciseAuth('info');
    expect(text).toContain('/auth/providers/local-userpass/login');
    expect(text).toContain("confirmation email for logs@example.com is in the emulator's mailbox");
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('show the caught confirmation and reset tokens at debug level', async () => {
    const { text, tokens } = await exerciseAuth('debug');
    for (const token of tokens) expect(text).toContain(token);
  });
});
