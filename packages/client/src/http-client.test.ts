import { describe, expect, it } from 'vitest';
import { KnockError } from './errors.js';
import type { FetchInit, FetchLike } from './http-client.js';
import { HttpClient } from './http-client.js';

const user = { id: 'UUUUUUUUUUUUUUUUUUUUUU', username: 'alice', displayName: 'Alice' };

function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: FetchInit }[] = [];
  const fetch: FetchLike = (url, init) => {
    calls.push({ url, init });
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    return Promise.resolve({ status, text: () => Promise.resolve(text) });
  };
  return { fetch, calls };
}

describe('HttpClient', () => {
  it('sends JSON with the bearer token and returns the validated body', async () => {
    const { fetch, calls } = fakeFetch(201, { user, token: 'tok' });
    const http = new HttpClient({ baseUrl: 'http://knock.test/', fetch });
    const response = await http.createToken({ username: 'alice', password: 'pw' });
    expect(response.token).toBe('tok');
    expect(http.token).toBe('tok');
    expect(calls[0]!.url).toBe('http://knock.test/api/tokens');
    expect(calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(calls[0]!.init.body!)).toEqual({ username: 'alice', password: 'pw' });
    await http.listChats().catch(() => undefined);
    expect(calls[1]!.init.headers.authorization).toBe('Bearer tok');
  });

  it('turns error bodies into KnockError with code, message, status and request id', async () => {
    const { fetch } = fakeFetch(401, {
      code: 'invalid_credentials',
      message: 'The username or password is not correct.',
      requestId: 'req-1',
    });
    const http = new HttpClient({ baseUrl: 'http://knock.test', fetch });
    const error = await http.createToken({ username: 'a', password: 'b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnockError);
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401, requestId: 'req-1' });
  });

  it('rejects a success response that does not match the schema', async () => {
    const { fetch } = fakeFetch(200, { chats: [{ id: 'nope' }] });
    const http = new HttpClient({ baseUrl: 'http://knock.test', fetch, token: 't' });
    await expect(http.listChats()).rejects.toMatchObject({ code: 'invalid_response', status: 200 });
  });

  it('maps unknown codes, non-JSON errors and network failures', async () => {
    const unknown = new HttpClient({
      baseUrl: 'http://x',
      fetch: fakeFetch(418, { code: 'teapot', message: 'no' }).fetch,
    });
    await expect(unknown.listChats()).rejects.toMatchObject({
      code: 'internal_error',
      status: 418,
    });
    const html = new HttpClient({ baseUrl: 'http://x', fetch: fakeFetch(502, '<html>').fetch });
    await expect(html.listChats()).rejects.toMatchObject({ code: 'internal_error', status: 502 });
    const down = new HttpClient({
      baseUrl: 'http://x',
      fetch: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    await expect(down.listChats()).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('accepts 204 for logout and forgets the token', async () => {
    const { fetch, calls } = fakeFetch(204, undefined);
    const http = new HttpClient({ baseUrl: 'http://x', fetch, token: 'tok' });
    await http.deleteSession();
    expect(calls[0]!.init.method).toBe('DELETE');
    expect(http.token).toBeUndefined();
  });

  it('sends the CSRF token from a cookie session on state changes only', async () => {
    const { fetch, calls } = fakeFetch(200, { user, csrfToken: 'csrf' });
    const http = new HttpClient({ baseUrl: 'http://x', fetch });
    await http.createSession({ username: 'alice', password: 'pw' });
    await http.getSession();
    await http.startChat('bob').catch(() => undefined);
    expect(calls[1]!.init.headers['x-knock-csrf']).toBeUndefined();
    expect(calls[2]!.init.headers['x-knock-csrf']).toBe('csrf');
  });

  it('escapes path parameters', async () => {
    const { fetch, calls } = fakeFetch(404, { code: 'chat_not_found', message: 'gone' });
    const http = new HttpClient({ baseUrl: 'http://x', fetch });
    await expect(http.getChat('../users')).rejects.toMatchObject({ code: 'chat_not_found' });
    expect(calls[0]!.url).toBe('http://x/api/chats/..%2Fusers');
  });

  it('speaks the key directory: takes a bundle with POST and checks its shape', async () => {
    const key = (bytes: number) => 'A'.repeat(Math.ceil((bytes * 4) / 3));
    const bundle = {
      version: 1,
      identity: { signingKey: key(32), dhKey: key(32), signature: key(64) },
      signedPrekey: { id: 1, publicKey: key(32), signature: key(64) },
      kemPrekey: { id: 2, lastResort: false, publicKey: key(1184), signature: key(64) },
      oneTimePrekey: null,
    };
    const { fetch, calls } = fakeFetch(200, { userId: user.id, identityVersion: 1, bundle });
    const http = new HttpClient({ baseUrl: 'http://knock.test', fetch, token: 't' });
    expect((await http.takeBundle('bob smith')).bundle).toEqual(bundle);
    expect([calls[0]!.init.method, calls[0]!.url]).toEqual([
      'POST',
      'http://knock.test/api/users/bob%20smith/bundle',
    ]);
    const short = { ...bundle, signedPrekey: { ...bundle.signedPrekey, publicKey: key(31) } };
    const bad = new HttpClient({
      baseUrl: 'http://knock.test',
      fetch: fakeFetch(200, { userId: user.id, identityVersion: 1, bundle: short }).fetch,
    });
    await expect(bad.takeBundle('bob')).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
