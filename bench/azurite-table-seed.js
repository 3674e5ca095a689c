// Seeds rows straight into the on-disk database of a stopped Azurite, with Azurite's own `lokijs`: 100,000 rows in
// seconds, where the Table API (one row per request, as every instance is its own partition) takes half an hour.
// The documents have the shape Azurite's LokiTableMetadataStore writes on insert (node_modules/azurite/dist/src/
// table/persistence/LokiTableMetadataStore.js: collection `<account>$<table>` indexed on PartitionKey and RowKey,
// `properties` holding the OData JSON with `@odata.type` annotations, Timestamp and a datetime ETag).
//   await seedTableRows({ location, table, rows })   // Azurite stopped; start it on `location` afterwards

const path = require('node:path');
const Loki = require('lokijs');

/** Azurite's table database file in its --location folder (azurite/dist/src/table/utils/constants.js). */
const TABLE_DB_FILE = '__azurite_db_table__.json';

/** A row as the Table SDK takes it ({ partitionKey, rowKey, Column: value | { type, value } }) → Azurite's document. */
function documentOf(row, timestamp) {
  const properties = { PartitionKey: row.partitionKey, RowKey: row.rowKey };
  for (const [name, value] of Object.entries(row)) {
    if (name === 'partitionKey' || name === 'rowKey' || value === undefined) continue;
    if (value !== null && typeof value === 'object' && 'type' in value && 'value' in value) {
      properties[name] = value.value;
      properties[`${name}@odata.type`] = `Edm.${value.type}`;
    } else if (typeof value === 'number' && !Number.isInteger(value)) {
      properties[name] = value;
      properties[`${name}@odata.type`] = 'Edm.Double';
    } else {
      properties[name] = value;
    }
  }
  properties.Timestamp = timestamp;
  properties['Timestamp@odata.type'] = 'Edm.DateTime';
  return {
    PartitionKey: row.partitionKey,
    RowKey: row.rowKey,
    properties,
    lastModifiedTime: timestamp,
    eTag: `W/"datetime'${encodeURIComponent(timestamp)}'"`,
  };
}

/**
 * Inserts `rows` into `table` (which must exist: create it through the Table API first) in the database under
 * `location`, stamped as written at `writtenAt` (default now). Azurite must be stopped, or it would overwrite the
 * file with what it holds in memory.
 */
async function seedTableRows({ location, table, rows, account = 'devstoreaccount1', writtenAt = new Date() }) {
  const db = new Loki(path.join(location, TABLE_DB_FILE));
  await new Promise((resolve, reject) => db.loadDatabase({}, (error) => (error ? reject(error) : resolve())));
  const collection = db.getCollection(`${account}$${table}`);
  if (!collection) throw new Error(`Table '${table}' of account '${account}' is not in ${location}: create it (and stop Azurite) first.`);
  // The rows' Timestamp (`writtenAt`), with seven fractional digits as Azurite writes them.
  const timestamp = writtenAt.toISOString().replace('Z', '0000Z');
  const documents = rows.map((row) => documentOf(row, timestamp));
  const existing = new Set(collection.data.map((doc) => `${doc.PartitionKey}\u0000${doc.RowKey}`));
  const duplicate = documents.find((doc) => existing.has(`${doc.PartitionKey}\u0000${doc.RowKey}`));
  if (duplicate) throw new Error(`Row '${duplicate.PartitionKey}'/'${duplicate.RowKey}' already exists in '${table}'.`);
  // One index rebuild at the end instead of an ordered insert per row.
  const adaptive = collection.adaptiveBinaryIndices;
  collection.adaptiveBinaryIndices = false;
  collection.insert(documents);
  collection.ensureAllIndexes(true);
  collection.adaptiveBinaryIndices = adaptive;
  await new Promise((resolve, reject) => db.saveDatabase((error) => (error ? reject(error) : resolve())));
  await new Promise((resolve) => db.close(resolve));
}

module.exports = { seedTableRows };
