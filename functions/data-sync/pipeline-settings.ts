/**
 * Where the data-sync pipeline keeps its files and how it reaches its own HTTP functions. Read from app settings
 * (process.env) so the same code runs locally and in Azure.
 */
import * as os from 'node:os';
import * as path from 'node:path';

/** `SAMPLES_DATA_DIR`, default `<OS temp dir>/durable-runtime-samples`: the JSON "database" files live here. */
export function dataDirectory(): string {
    return process.env.SAMPLES_DATA_DIR || path.join(os.tmpdir(), 'durable-runtime-samples');
}

/**
 * `SAMPLES_BASE_URL`, else derived from `WEBSITE_HOSTNAME`, which both `func start` and the Azure platform set
 * (`localhost:7071` locally, `<app>.azurewebsites.net` in Azure).
 */
export function appBaseUrl(): string {
    const configured = process.env.SAMPLES_BASE_URL;
    if (configured) return configured.replace(/\/+$/, '');
    const host = process.env.WEBSITE_HOSTNAME?.replace('0.0.0.0', 'localhost');
    if (!host) {
        throw new Error('WEBSITE_HOSTNAME is not set, so the app cannot call its own HTTP functions. Set SAMPLES_BASE_URL (e.g. http://localhost:7071).');
    }
    const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
    return `${local ? 'http' : 'https'}://${host}`;
}
