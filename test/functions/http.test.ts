import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionRuntime } from '../../emulator/functions';
import { startRuntime, user } from './helpers';

let runtime: FunctionRuntime;
let server: http.Server;
let host: string;
const received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.setHeader('Content-Type', 'application/json');
      response.setHeader('Set-Cookie', ['session=abc; Path=/']);
      response.end(request.method === 'POST' ? body : JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ runtime } = await startRuntime());
});

afterAll(async () => {
  await runtime.stop();
  await new Promise((resolve) => server.close(resolve));
});

describe('context.http', () => {
  it('sends a GET with headers given as arrays and answers in App Services’ response shape', async () => {
    const { result } = await runtime.call({ name: 'http/get', args: [`http://${host}/items?id=7`], user: user() });
    expect(result).toEqual({ status: '200 OK', statusCode: 200, contentType: ['application/json'], body: '{"ok":true}' });
    const request = received.at(-1);
    expect(request).toMatchObject({ method: 'GET', url: '/items?id=7' });
    expect(request?.headers['x-test']).toBe('one, two');
  });

  it('builds the URL from scheme, host, path and query, and encodes an object body as JSON', async () => {
    const { result } = await runtime.call({ name: 'http/post', args: [host, '/echo'], user: user() });
    expect(result).toEqual({ statusCode: 200, echoed: { hello: 'world' } });
    expect(received.at(-1)).toMatchObject({ method: 'POST', url: '/echo?q=a+b' });
    expect(received.at(-1)?.headers['content-type']).toBe('application/json');
  });
});
