/**
 * `durable-runtime start` on azureManaged with a localhost endpoint where nothing listens starts `durable-runtime
 * emulator` there itself, says so, runs the app on it, and stops it again (issue 15 "Start-up").
 */
import net from 'node:net';
import { REPO_ROOT, freePort, startCli } from '../../support/cli-process';
import { waitFor } from '../../support/wait-for';

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
    });
}

test('start starts the emulator for a free localhost endpoint, runs the app on it, and stops it on exit', async () => {
    const schedulerPort = await freePort();
    const host = await startCli({
        args: ['start', '--cwd', REPO_ROOT, '--backend', 'azureManaged'],
        env: { DURABLE_TASK_SCHEDULER_CONNECTION_STRING: `Endpoint=http://localhost:${schedulerPort};Authentication=None`, TASKHUB_NAME: 'default' },
        readyTimeoutMs: 60_000,
    });
    try {
        const output = host.output();
        expect(output).toContain(`Nothing answered at http://localhost:${schedulerPort}, so durable-runtime emulator was started there (port ${schedulerPort}`);
        expect(output).toContain(`Durable backend: azureManaged (task hub 'default' at http://localhost:${schedulerPort}, Authentication=None; durable-runtime emulator started by this host`);

        const started = await fetch(`${host.baseUrl}/api/StartChaining`, { method: 'POST' });
        expect(started.status).toBe(202);
        const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
        const status = await waitFor('the chaining sample to complete', async () => {
            const body = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
            return body.runtimeStatus === 'Completed' ? body : undefined;
        }, 60_000, 100, host.output);
        expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    } finally {
        expect((await host.stop()).code).toBe(0);
    }
    expect(await accepts(schedulerPort)).toBe(false);
}, 120_000);
