/**
 * The records the pipeline syncs, the JSON-file "database" that stores them, and the pure merge rule that decides
 * what a sync changes. One file per database name, so separate runs (and tests) need not share state.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { dataDirectory } from './pipeline-settings';

export interface CustomerRecord {
    id: string;
    name: string;
    email: string;
}

export interface RejectedRecord {
    id: string;
    reason: string;
}

export interface SyncPlan {
    /** The database content after the sync: current records with the valid incoming ones inserted or updated. */
    records: CustomerRecord[];
    inserted: string[];
    updated: string[];
    unchanged: string[];
    rejected: RejectedRecord[];
}

export const DATABASE_NAME = /^[a-z0-9-]{1,50}$/;

/** What a new database holds: one record the source agrees with, one it has changed, one it does not know. */
const SEED: CustomerRecord[] = [
    { id: 'c-001', name: 'Ada Lovelace', email: 'ada@example.com' },
    { id: 'c-002', name: 'Grace Hopper', email: 'grace@example.org' },
    { id: 'c-099', name: 'Edsger Dijkstra', email: 'edsger@example.com' },
];

function databaseFile(database: string): string {
    if (!DATABASE_NAME.test(database)) throw new Error(`Database name '${database}' must match ${DATABASE_NAME}.`);
    return path.join(dataDirectory(), `${database}.json`);
}

/** Reads a database, creating it with the seed records the first time. */
export async function readRecords(database: string): Promise<CustomerRecord[]> {
    const file = databaseFile(database);
    let text: string;
    try {
        text = await readFile(file, 'utf8');
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await writeRecords(database, SEED);
        return SEED;
    }
    try {
        return (JSON.parse(text) as { records: CustomerRecord[] }).records;
    } catch (err) {
        throw new Error(`Database file '${file}' is not valid JSON (${(err as Error).message}); fix or delete it.`);
    }
}

/** Writes through a temporary file and a rename, so a reader never sees half a database. */
export async function writeRecords(database: string, records: CustomerRecord[]): Promise<void> {
    const file = databaseFile(database);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify({ records }, null, 2));
    await rename(temporary, file);
}

/** Why a record from the source cannot be stored, or undefined when it is valid. */
export function validationProblem(record: Partial<CustomerRecord>): string | undefined {
    if (typeof record.id !== 'string' || !/^c-\d{3,}$/.test(record.id)) return `id ${JSON.stringify(record.id)} is not of the form c-NNN`;
    if (typeof record.name !== 'string' || record.name.trim() === '') return 'name is empty';
    if (typeof record.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(record.email)) {
        return `email ${JSON.stringify(record.email)} is not an e-mail address`;
    }
    return undefined;
}

/** Merges incoming records into the current ones; invalid incoming records are rejected, never stored. */
export function planSync(incoming: Partial<CustomerRecord>[], current: CustomerRecord[]): SyncPlan {
    const byId = new Map(current.map((record) => [record.id, record]));
    const plan: SyncPlan = { records: [], inserted: [], updated: [], unchanged: [], rejected: [] };
    for (const record of incoming) {
        const problem = validationProblem(record);
        if (problem) {
            plan.rejected.push({ id: String(record.id), reason: problem });
            continue;
        }
        const { id, name, email } = record as CustomerRecord;
        const existing = byId.get(id);
        if (!existing) plan.inserted.push(id);
        else if (existing.name !== name || existing.email !== email) plan.updated.push(id);
        else plan.unchanged.push(id);
        byId.set(id, { id, name, email });
    }
    plan.records = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
    return plan;
}
