// Table input (one entity by partition and row key, or a query with `partitionKey`/`filter`/`take`) and table
// output (create only: an existing entity is a conflict, as the binding "only supports creating new entities")
// (specs/storage-bindings.md §4.4). Table binding expressions take top-level names only: no dot notation.

import { BindingError } from './binding-error';
import { odata, type TableEntity } from '@azure/data-tables';
import type { BindingCall, BindingType } from './binding-type';

export class TableEntityError extends BindingError {}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

export const tableBinding: BindingType = {
  type: 'table',
  target: 'tableName',

  async input(call) {
    const table = await tableOf(call);
    const partitionKey = optional(call, 'partitionKey');
    const rowKey = optional(call, 'rowKey');
    if (rowKey !== undefined) {
      if (partitionKey === undefined) throw new TableEntityError(`${where(call)}: rowKey needs a partitionKey too.`);
      try {
        return fromSdkEntity(await table.getEntity(partitionKey, rowKey));
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return null;
        throw error;
      }
    }
    const filters = [partitionKey !== undefined ? odata`PartitionKey eq ${partitionKey}` : undefined, optional(call, 'filter')].filter((f) => f !== undefined);
    const take = call.binding.take === undefined ? undefined : Number(call.binding.take);
    const entities: Record<string, unknown>[] = [];
    const queryOptions = filters.length ? { filter: filters.map((f) => `(${f})`).join(' and ') } : undefined;
    for await (const entity of table.listEntities({ queryOptions })) {
      if (take !== undefined && entities.length >= take) break;
      entities.push(fromSdkEntity(entity));
    }
    return entities;
  },

  async output(call, value) {
    const table = await tableOf(call);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || typeof item !== 'object') throw new TableEntityError(`${where(call)}: a table entity must be an object, but got ${JSON.stringify(item)}.`);
      const { PartitionKey, RowKey, partitionKey, rowKey, ...properties } = item as Record<string, unknown>;
      const keys = {
        partitionKey: PartitionKey ?? partitionKey ?? optional(call, 'partitionKey'),
        rowKey: RowKey ?? rowKey ?? optional(call, 'rowKey'),
      };
      if (typeof keys.partitionKey !== 'string' || typeof keys.rowKey !== 'string') {
        throw new TableEntityError(
          `${where(call)}: the entity ${JSON.stringify(item).slice(0, 200)} has no PartitionKey and RowKey strings. Set both on the entity, or partitionKey and rowKey on the binding.`,
        );
      }
      await table.createEntity({ ...properties, partitionKey: keys.partitionKey, rowKey: keys.rowKey } as TableEntity);
    }
  },
};

async function tableOf(call: BindingCall) {
  const name = call.resolve('tableName', { dotNotation: false });
  if (!TABLE_NAME.test(name)) throw new TableEntityError(`${where(call)}: '${name}' is not a valid table name (3-63 letters and digits, starting with a letter).`);
  const clients = await call.accounts.clients(call.binding.connection);
  await call.accounts.ensureTable(clients, name);
  return clients.table(name);
}

function optional(call: BindingCall, option: string): string | undefined {
  return call.binding[option] === undefined || call.binding[option] === '' ? undefined : call.resolve(option, { dotNotation: false });
}

function where(call: BindingCall): string {
  return `Function '${call.invocation.fn.name}', table binding '${call.binding.name}'`;
}

/** The entity as the host hands it to Node: PartitionKey, RowKey, Timestamp and the properties. */
function fromSdkEntity(entity: Record<string, unknown>): Record<string, unknown> {
  const { partitionKey, rowKey, timestamp, etag, 'odata.metadata': _metadata, ...properties } = entity;
  return { PartitionKey: partitionKey, RowKey: rowKey, ...(timestamp !== undefined ? { Timestamp: timestamp } : {}), ...properties };
}
