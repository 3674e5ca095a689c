// The local RPC endpoint durable-functions' client calls (through axios on Node's global agent, with keep-alive).
import http from 'node:http';
import { startRpcListener } from '../../../src/http-api/rpc-listener';

test("keeps an idle connection open longer than the client's agent does, so the client always closes it first", async () => {
  // Closing at the same moment races: a request the client sends on a connection the server has just closed fails
  // with ECONNRESET (seen under load, where both idle timers fire late and together).
  const listener = await startRpcListener(async (_req, res) => void res.end('ok'));
  try {
    const agent = new http.Agent({ keepAlive: true });
    const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
      http.get(listener.baseUrl, { agent }, (res) => {
        res.resume();
        resolve(res.headers['keep-alive']?.toString());
      }).on('error', reject);
    });
    agent.destroy();
    const serverIdleSeconds = Number(/timeout=(\d+)/.exec(keepAlive ?? '')?.[1]);
    const clientIdleSeconds = (http.globalAgent as http.Agent & { options: { timeout?: number } }).options.timeout! / 1000;
    expect(serverIdleSeconds).toBeGreaterThan(clientIdleSeconds);
  } finally {
    await listener.close();
  }
});
