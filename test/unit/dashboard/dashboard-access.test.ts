// Who may use the dashboard: loopback only without keys, the system key with --require-keys (page files excepted,
// so the page can load and ask for the key).
import type { IncomingMessage } from 'node:http';
import { MemoryBackend } from '../../../src/backends/memory';
import { dashboardAccess, listenDashboard } from '../../../src/dashboard';
import { isLoopback } from '../../../src/dashboard/dashboard-access';
import { LocalTaskHub } from '../../../src/taskhub/local';

const requestFrom = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

describe('dashboard access', () => {
  it('without a key, answers loopback callers only, with a 403 that says how to open it up', () => {
    const check = dashboardAccess({});
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.1.1']) expect(check(requestFrom(address), new URLSearchParams())).toBeUndefined();
    expect(check(requestFrom('192.168.1.20'), new URLSearchParams())).toEqual({ status: 403, message: expect.stringMatching(/only on this machine.*--require-keys/) });
    expect(isLoopback(undefined)).toBe(false);
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false);
  });

  it('with a system key, wants it from every caller, as x-functions-key or code=', () => {
    const check = dashboardAccess({ systemKey: 'secret-key' });
    expect(check(requestFrom('127.0.0.1'), new URLSearchParams())).toEqual({ status: 401, message: expect.stringMatching(/system key \(durabletask_extension\)/) });
    expect(check(requestFrom('127.0.0.1', { 'x-functions-key': 'wrong' }), new URLSearchParams())).toMatchObject({ status: 401 });
    expect(check(requestFrom('192.168.1.20', { 'x-functions-key': 'secret-key' }), new URLSearchParams())).toBeUndefined();
    expect(check(requestFrom('192.168.1.20'), new URLSearchParams('code=secret-key'))).toBeUndefined();
  });

  it('guards the API but serves the page, which asks for the key', async () => {
    const hub = new LocalTaskHub({ backend: new MemoryBackend(), name: 'KeyHub' });
    await hub.start();
    const dashboard = await listenDashboard({ taskHub: hub, access: dashboardAccess({ systemKey: 'secret-key' }), basePath: '/runtime/dashboard' });
    try {
      const denied = await fetch(`${dashboard.url}api/v1/hub`);
      expect({ status: denied.status, body: await denied.json() }).toEqual({ status: 401, body: { error: expect.stringMatching(/needs the system key/) } });
      const allowed = await fetch(`${dashboard.url}api/v1/hub`, { headers: { 'x-functions-key': 'secret-key' } });
      expect(await allowed.json()).toMatchObject({ hubName: 'KeyHub' });
      const page = await fetch(dashboard.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const bare = await fetch(dashboard.url.replace(/\/$/, ''), { redirect: 'manual' });
      expect({ status: bare.status, location: bare.headers.get('location') }).toEqual({ status: 308, location: '/runtime/dashboard/' });
      expect((await fetch(`${dashboard.url}../secret.txt`)).status).toBe(404);
    } finally {
      await dashboard.close();
      await hub.stop();
    }
  });
});
