// The dashboard's data API on the memory backend.
import { MemoryBackend } from '../../../src/backends/memory';
import { describeDashboardApi } from './dashboard-api-cases';

describeDashboardApi('memory', async () => ({ backend: new MemoryBackend(), label: 'memory', waitMs: 10_000 }));
