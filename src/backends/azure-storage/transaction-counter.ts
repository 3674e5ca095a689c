// Counts storage transactions (every HTTP request, retries included, since each one is billed) by operation,
// through an Azure SDK pipeline policy. The benchmark reports transactions per orchestration and per idle minute.

import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';

export type StorageService = 'table' | 'queue' | 'blob';

export class StorageTransactionCounter {
  private readonly counts = new Map<string, number>();
  private totalCount = 0;

  /** A policy for one service's clients; add it with position "perRetry". */
  policyFor(service: StorageService): PipelinePolicy {
    return {
      name: `durableRuntimeTransactionCounter-${service}`,
      sendRequest: (request, next) => {
        this.record(`${service}.${classifyRequest(service, request)}`);
        return next(request);
      },
    };
  }

  get total(): number {
    return this.totalCount;
  }

  /** Counts by operation, e.g. `{ "queue.receive": 12, "table.batch": 5 }`, sorted by name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
    this.totalCount = 0;
  }

  private record(operation: string): void {
    this.totalCount++;
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }
}

/** Names the REST operation from method and URL, at the granularity storage pricing uses. */
export function classifyRequest(service: StorageService, request: Pick<PipelineRequest, 'method' | 'url'>): string {
  const url = new URL(request.url);
  const path = decodeURIComponent(url.pathname);
  const method = request.method;
  if (service === 'queue') {
    if (path.endsWith('/messages')) {
      if (method === 'POST') return 'send';
      if (method === 'GET') return url.searchParams.get('peekonly') === 'true' ? 'peek' : 'receive';
      if (method === 'DELETE') return 'clear';
    }
    if (/\/messages\/[^/]+$/.test(path)) return method === 'DELETE' ? 'delete' : 'update';
    if (method === 'PUT') return 'createQueue';
    if (method === 'DELETE') return 'deleteQueue';
    return url.searchParams.get('comp') === 'list' ? 'listQueues' : 'getQueueProperties';
  }
  if (service === 'table') {
    if (path.endsWith('/$batch')) return 'batch';
    if (/\/Tables(\(.*\))?$/.test(path)) return method === 'POST' ? 'createTable' : method === 'DELETE' ? 'deleteTable' : 'queryTables';
    if (/\(PartitionKey=.*\)$/.test(path)) {
      if (method === 'GET') return 'pointRead';
      if (method === 'DELETE') return 'delete';
      return method === 'PUT' ? 'replace' : 'merge';
    }
    return method === 'POST' ? 'insert' : 'query';
  }
  const restype = url.searchParams.get('restype');
  const comp = url.searchParams.get('comp');
  if (restype === 'container') {
    if (comp === 'list') return 'list';
    return method === 'PUT' ? 'createContainer' : method === 'DELETE' ? 'deleteContainer' : 'getContainerProperties';
  }
  if (method === 'PUT') return comp === 'lease' ? 'lease' : 'upload';
  if (method === 'GET') return 'download';
  if (method === 'DELETE') return 'delete';
  return 'getBlobProperties';
}
