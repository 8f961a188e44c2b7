import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

describe('HTTP surface', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('sends the security headers on every route, errors included (T35)', async () => {
    for (const path of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/api/chats',
      '/no/such/route',
      '/api/no/such/route',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('answers errors from the catalogue without stack traces', async () => {
    const missing = await api(server.url, 'GET', '/api/no/such/route');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      code: 'not_found',
      message: expect.any(String) as unknown,
    });
    const malformed = await fetch(`${server.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as Record<string, unknown>;
    expect(body['code']).toBe('bad_request');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
    const unauthorized = await api(server.url, 'GET', '/api/chats');
    expect(unauthorized).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await api(server.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api(server.url, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'knock_ws_connections',
      'knock_messages_in_total',
      'knock_messages_out_total',
      'knock_frames_out_total',
      'knock_acks_total',
      'knock_write_queue_depth',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics).toContain(name);
    }
  });
});
