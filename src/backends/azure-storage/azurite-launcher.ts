// Azurite as the embedded default: with `UseDevelopmentStorage=true`, use an Azurite that already answers on the
// standard ports, or start the bundled one (the `azurite` npm package) with its data in a project-local folder,
// so `npm start` needs nothing else and state survives a restart.

import { DurableRuntimeError } from '../../core';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import type { Logger } from '../../core';
import { DEVELOPMENT_PORTS, developmentConnectionString } from './storage-connection';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export interface AzuriteInstance {
  connectionString: string;
  ports: AzuritePorts;
  /** False when an Azurite that was already running is used. */
  startedHere: boolean;
  /** Stops the Azurite started here; does nothing for one that was already running. */
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** Folder for on-disk persistence; omit for in-memory persistence (tests). */
  location?: string;
  /** Ports to listen on; 0 (the default) picks free ports. */
  ports?: Partial<AzuritePorts>;
  host?: string;
  /** How long to wait for all three services to listen. */
  startTimeoutMs?: number;
  logger?: Logger;
}

export class AzuriteStartError extends DurableRuntimeError {}

const SERVICES = ['blob', 'queue', 'table'] as const;

/**
 * Runs Azurite (`process.argv[1]`, as if started directly) and shuts it down the way a SIGTERM does, with its data
 * flushed, once its stdin reaches end of file: the process that started it is gone, however it ended.
 */
const SHUT_DOWN_WITH_PARENT = `
process.stdin.on('end', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(0), 10000).unref();
}).resume();
require(process.argv[1]);`;
const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:]+:(\d+)/g;

/**
 * Uses the Azurite on the standard ports 10000–10002 (or `ports`) if all three answer; otherwise starts the bundled
 * one there, with persistence in `location` (e.g. `<app>/.azurite`, git-ignored).
 */
export async function ensureDevelopmentStorage(location: string, logger?: Logger, ports: AzuritePorts = DEVELOPMENT_PORTS): Promise<AzuriteInstance> {
  const answering = await Promise.all(SERVICES.map((service) => answers('127.0.0.1', ports[service])));
  const list = `${ports.blob}, ${ports.queue} and ${ports.table}`;
  if (answering.every(Boolean)) {
    logger?.info(`Using the Azurite already running on ports ${list}.`);
    return { connectionString: developmentConnectionString(ports), ports: { ...ports }, startedHere: false, stop: async () => {} };
  }
  if (answering.some(Boolean)) {
    const busy = SERVICES.filter((_, i) => answering[i]).map((s) => ports[s]);
    throw new AzuriteStartError(
      `Port(s) ${busy.join(', ')} answer but not all of ${list} do, so this is not a complete Azurite. ` +
        'Stop whatever listens there, or start Azurite yourself, or set AzureWebJobsStorage to another storage account.',
    );
  }
  const azurite = await startAzurite({ location, ports: { ...ports }, logger });
  logger?.info(`Started Azurite on ports ${list} (data in ${location}).`);
  return azurite;
}

/** Starts the bundled Azurite and resolves once blob, queue and table all listen. */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteInstance> {
  const host = options.host ?? '127.0.0.1';
  const args = ['-e', SHUT_DOWN_WITH_PARENT, require.resolve('azurite/dist/src/azurite.js'), '--skipApiVersionCheck', '--loose', '--silent'];
  args.push('--blobHost', host, '--queueHost', host, '--tableHost', host);
  for (const service of SERVICES) args.push(`--${service}Port`, String(options.ports?.[service] ?? 0));
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  // Its own process group: Ctrl+C in a terminal signals the whole foreground group, and Azurite must outlive the
  // host's graceful stop (the last checkpoints are written to it). It goes with us however we exit: its stdin is a
  // pipe from this process, which the kernel closes even when this process is killed with SIGKILL.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const ports = await waitUntilListening(child, options.startTimeoutMs ?? 30_000);
  return {
    connectionString: developmentConnectionString(ports, host),
    ports,
    startedHere: true,
    stop: () => stopChild(child),
  };
}

function waitUntilListening(child: ChildProcess, timeoutMs: number): Promise<AzuritePorts> {
  return new Promise((resolve, reject) => {
    const ports: Partial<AzuritePorts> = {};
    let output = '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new AzuriteStartError(`Azurite did not start: ${reason}. Its output:\n${output.slice(-2000)}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(LISTENING)) ports[match[1].toLowerCase() as keyof AzuritePorts] = Number(match[2]);
      if (ports.blob && ports.queue && ports.table) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        // Keep draining output so a full pipe never blocks Azurite.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(ports as AzuritePorts);
      }
    };
    const onExit = (code: number | null) => fail(`it exited with code ${code}`);
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', onExit);
  });
}

/**
 * Asks Azurite to shut down (it flushes its data to disk), then ends the process once all three services report
 * closed: left alone it lingers until its clients' keep-alive connections time out.
 */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    let closed = 0;
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const onData = (chunk: Buffer) => {
      closed += chunk.toString().match(/service successfully closed/g)?.length ?? 0;
      if (closed >= SERVICES.length) child.kill('SIGKILL');
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(kill);
      child.stdout?.off('data', onData);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True if something answers HTTP on the port (Azurite answers unauthenticated requests with 4xx). */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
