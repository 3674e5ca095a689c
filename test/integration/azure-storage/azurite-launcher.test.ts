// The embedded default: reuse a running Azurite, else start the bundled one with on-disk data that survives a
// restart (issue item 5).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inboundEvent, isoTime } from '../../../src/core';
import { AzureStorageBackend, AzuriteStartError, ensureDevelopmentStorage, resolveStorageConnection, startAzurite } from '../../../src/backends/azure-storage';
import { uniqueHubName } from '../../support/azurite';
import { REPO_ROOT, freePort } from '../../support/cli-process';
import { waitFor } from '../../support/wait-for';

async function freePorts(): Promise<{ blob: number; queue: number; table: number }> {
  return { blob: await freePort(), queue: await freePort(), table: await freePort() };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('with nothing listening it starts Azurite with data on disk, and the data is there after a restart', async () => {
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  dirs.push(location);
  const ports = await freePorts();
  const hubName = uniqueHubName();
  const first = await ensureDevelopmentStorage(location, undefined, ports);
  expect(first.startedHere).toBe(true);
  const backend = () => new AzureStorageBackend({ connection: resolveStorageConnection({ AzureWebJobsStorage: first.connectionString }), hubName });
  const writer = backend();
  await writer.start();
  const t = isoTime(Date.now());
  await writer.createInstance(
    { instanceId: 'kept', name: 'Orch', executionId: 'e1', status: 'Pending', createdAt: t, lastUpdatedAt: t },
    { instanceId: 'kept', executionId: 'e1', event: inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'Orch', orchestrationInstance: { instanceId: 'kept', executionId: 'e1' } }, t) },
    { replaceableStatuses: [] },
  );
  await writer.stop();
  await first.stop();

  const second = await ensureDevelopmentStorage(location, undefined, ports);
  try {
    expect(second.startedHere).toBe(true);
    const reader = backend();
    await reader.start();
    expect((await reader.getInstance('kept'))?.status).toBe('Pending');
    const item = await reader.lockNextInstance();
    expect(item?.instanceId).toBe('kept');
    await reader.abandonInstance(item!);
    await reader.stop();
  } finally {
    await second.stop();
  }
});

test('an Azurite that already answers is used, not started again, and not stopped', async () => {
  const running = await startAzurite({});
  try {
    const found = await ensureDevelopmentStorage('/nonexistent', undefined, running.ports);
    expect(found).toMatchObject({ startedHere: false, ports: running.ports });
    await found.stop();
    const again = await ensureDevelopmentStorage('/nonexistent', undefined, running.ports);
    expect(again.startedHere).toBe(false);
  } finally {
    await running.stop();
  }
});

test('ports that are partly taken by something else give a clear error', async () => {
  const ports = await freePorts();
  const squatter = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n')).listen(ports.queue, '127.0.0.1');
  try {
    await expect(ensureDevelopmentStorage('/nonexistent', undefined, ports)).rejects.toThrow(AzuriteStartError);
    await expect(ensureDevelopmentStorage('/nonexistent', undefined, ports)).rejects.toThrow(`Port(s) ${ports.queue} answer but not all`);
  } finally {
    squatter.close();
  }
});

test('the Azurite it started shuts down when the process that started it is killed with SIGKILL', async () => {
  // A child that starts Azurite and prints its ports, as `durable-runtime start` does before it is killed.
  const script = `require(${JSON.stringify(join(REPO_ROOT, 'dist/src/backends/azure-storage'))}).startAzurite({}).then((a) => console.log(JSON.stringify(a.ports)));`;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<{ blob: number }>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))));
  expect(await listening(ports.blob)).toBe(true);
  parent.kill('SIGKILL');
  await waitFor(`Azurite's blob port ${ports.blob} to close`, async () => !(await listening(ports.blob)));
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
