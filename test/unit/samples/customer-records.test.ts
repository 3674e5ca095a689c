import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { planSync, readRecords, validationProblem, writeRecords } from '../../../functions/data-sync/customer-records';
import { failIfPlanned } from '../../../functions/data-sync/fault-injection';

const ada = { id: 'c-001', name: 'Ada Lovelace', email: 'ada@example.com' };
const grace = { id: 'c-002', name: 'Grace Hopper', email: 'grace@example.org' };

describe('planSync', () => {
    it('inserts new records, updates changed ones and keeps records the source does not mention', () => {
        const plan = planSync(
            [ada, { ...grace, email: 'grace.hopper@example.com' }, { id: 'c-003', name: 'Alan Turing', email: 'alan@example.com' }],
            [grace, ada, { id: 'c-099', name: 'Edsger Dijkstra', email: 'edsger@example.com' }],
        );
        expect(plan).toMatchObject({ inserted: ['c-003'], updated: ['c-002'], unchanged: ['c-001'], rejected: [] });
        expect(plan.records.map((r) => r.id)).toEqual(['c-001', 'c-002', 'c-003', 'c-099']);
        expect(plan.records.find((r) => r.id === 'c-002')?.email).toBe('grace.hopper@example.com');
    });

    it('rejects invalid records with the reason and never stores them', () => {
        const plan = planSync([{ id: 'c-004', name: 'Nobody', email: 'not-an-email' }, { id: 'x', name: 'X', email: 'x@example.com' }], [ada]);
        expect(plan.rejected).toEqual([
            { id: 'c-004', reason: 'email "not-an-email" is not an e-mail address' },
            { id: 'x', reason: 'id "x" is not of the form c-NNN' },
        ]);
        expect(plan.records).toEqual([ada]);
    });

    it('is idempotent: planning the same input against its own result changes nothing', () => {
        const first = planSync([ada, grace], []);
        const second = planSync([ada, grace], first.records);
        expect(second).toMatchObject({ inserted: [], updated: [], unchanged: ['c-001', 'c-002'], records: first.records });
    });
});

describe('validationProblem', () => {
    it('names the first problem of a record', () => {
        expect(validationProblem(ada)).toBeUndefined();
        expect(validationProblem({ ...ada, name: '  ' })).toBe('name is empty');
        expect(validationProblem({ name: 'A', email: 'a@example.com' })).toBe('id undefined is not of the form c-NNN');
    });
});

describe('the JSON-file database and fault injection', () => {
    let dir: string;
    const previous = process.env.SAMPLES_DATA_DIR;
    beforeEach(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), 'samples-unit-'));
        process.env.SAMPLES_DATA_DIR = dir;
    });
    afterEach(async () => {
        if (previous === undefined) delete process.env.SAMPLES_DATA_DIR;
        else process.env.SAMPLES_DATA_DIR = previous;
        await rm(dir, { recursive: true, force: true });
    });

    it('seeds a new database on first read and reads back what was written', async () => {
        const seeded = await readRecords('crm');
        expect(seeded.map((r) => r.id)).toEqual(['c-001', 'c-002', 'c-099']);
        await writeRecords('crm', [ada]);
        expect(await readRecords('crm')).toEqual([ada]);
        expect(JSON.parse(await readFile(path.join(dir, 'crm.json'), 'utf8'))).toEqual({ records: [ada] });
    });

    it('refuses database names that could escape the data folder', async () => {
        await expect(readRecords('../etc')).rejects.toThrow("Database name '../etc' must match");
    });

    it('fails the planned step exactly N times per run, then lets it pass', async () => {
        const fault = { step: 'FetchDataAPI', times: 2 };
        await expect(failIfPlanned(fault, 'run:1', 'FetchDataAPI')).rejects.toThrow('Injected failure 1 of 2 in FetchDataAPI');
        await expect(failIfPlanned(fault, 'run:1', 'FetchDataDB')).resolves.toBeUndefined();
        await expect(failIfPlanned(fault, 'run:1', 'FetchDataAPI')).rejects.toThrow('Injected failure 2 of 2 in FetchDataAPI');
        await expect(failIfPlanned(fault, 'run:1', 'FetchDataAPI')).resolves.toBeUndefined();
        await expect(failIfPlanned(fault, 'run:2', 'FetchDataAPI')).rejects.toThrow('Injected failure 1 of 2');
    });
});
