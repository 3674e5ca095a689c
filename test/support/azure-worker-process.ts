// A separate worker process on an Azure Storage task hub, driven by its parent over IPC, so tests can stall it
// or kill it with SIGKILL like a real crash.

import { existsSync } from 'node:fs';
import { TableClient } from '@azure/data-tables';
import { AzureStorageBackend, resolveStorageConnection } from '../../src/backends/azure-storage';
import type { InstanceCommit, InstanceWorkItem } from '../../src/backends';

export type WorkerCommand =
  | { command: 'start'; connectionString: string; hubName: string; options: Record<string, number> }
  | { command: 'partitions' }
  | { command: 'lockNextInstance' }
  | { command: 'lockNextActivity' }
  | { command: 'stallThenComplete'; untilFileExists: string; commit: InstanceCommit }
  | { command: 'completeButHangAtInstancesRow'; commit: InstanceCommit }
  | { command: 'stop' };

export type WorkerReply = { ok: true; value?: unknown } | { ok: false; error: string; name: string };

let backend: AzureStorageBackend | undefined;
let item: InstanceWorkItem | undefined;

async function handle(message: WorkerCommand): Promise<unknown> {
  switch (message.command) {
    case 'start':
      backend = new AzureStorageBackend({
        connection: resolveStorageConnection({ AzureWebJobsStorage: message.connectionString }),
        hubName: message.hubName,
        workerId: `child-${process.pid}`,
        ...message.options,
      });
      await backend.start();
      return { workerId: backend.workerId, partitions: backend.ownedPartitions() };
    case 'partitions':
      return backend!.ownedPartitions();
    case 'lockNextActivity': {
      const lease = await backend!.lockNextActivity();
      return lease && { instanceId: lease.task.instanceId, messageId: lease.messageId };
    }
    case 'lockNextInstance':
      item = await backend!.lockNextInstance();
      return item && { instanceId: item.instanceId, messages: item.messages.length };
    case 'stallThenComplete': {
      // Blocks the event loop until the parent says so: no lease renewal, no visibility extension — a stalled
      // process, as in a long GC pause or a frozen VM. The commit starts in the same tick the stall ends.
      const nap = new Int32Array(new SharedArrayBuffer(4));
      while (!existsSync(message.untilFileExists)) Atomics.wait(nap, 0, 0, 10);
      await backend!.completeInstance(item!, message.commit);
      return 'committed';
    }
    case 'completeButHangAtInstancesRow': {
      // The commit writes messages and history, then never gets to the Instances row: the parent kills us there,
      // as a crash between steps b and c of A8.5 would.
      const original = TableClient.prototype.updateEntity;
      const reached = new Promise<void>((resolve) => {
        TableClient.prototype.updateEntity = function (this: TableClient, ...args: Parameters<TableClient['updateEntity']>) {
          if (!this.tableName.endsWith('Instances')) return original.apply(this, args);
          resolve();
          return new Promise(() => {});
        };
      });
      void backend!.completeInstance(item!, message.commit);
      await reached;
      return 'hanging';
    }
    case 'stop':
      await backend?.stop();
      return undefined;
  }
}

process.on('message', (message: WorkerCommand) => {
  handle(message).then(
    (value) => process.send!({ ok: true, value } satisfies WorkerReply),
    (error: Error) => process.send!({ ok: false, error: error.message, name: error.name } satisfies WorkerReply),
  );
});
