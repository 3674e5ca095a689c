// The dashboard's data API on the memory backend.
import { MemoryBackend } from '../../../src/backends/memory';
import { describeDashboardApi, localHub } from './dashboard-api-cases';

describeDashboardApi('memory', async () => ({ hub: await localHub(new MemoryBackend()), label: 'memory', waitMs: 10_000 }));
