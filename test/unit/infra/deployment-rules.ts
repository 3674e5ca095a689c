/**
 * The rules infra/ must keep for the app to run in Azure, as checker functions that return problems (empty = fine),
 * so the test can show each rule both passing on the real files and failing on a bad snippet.
 */
import * as path from 'node:path';
import { at, BicepValue, declarationObject, declarations, evaluate, Opaque, quotedHead } from './bicep-text';

export type Backend = 'AzureStorage' | 'azureManaged';
export type AppSettings = Record<string, BicepValue>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SourceFile {
  path: string;
  text: string;
}

/** Text that only appears where a key, SAS token or key-bearing connection string is used or written down. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/AccountKey\s*=/i, 'storage account key in a connection string'],
  [/SharedAccessSignature/i, 'shared access signature'],
  [/SharedAccessKey/i, 'shared access key'],
  [/[?&]sig=/i, 'SAS token signature'],
  [/\blistKeys?\s*\(/i, 'key listing (listKeys)'],
  [/\blist(Account|Service)Sas\s*\(/i, 'SAS generation'],
  [/DefaultEndpointsProtocol\s*=/i, 'key-based storage connection string'],
  [/InstrumentationKey\s*=/i, 'instrumentation-key telemetry string (local auth)'],
  [/\b(Password|Pwd)\s*=/i, 'password in a connection string'],
];

export function findSecrets(files: SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    file.text.split('\n').forEach((line, index) => {
      for (const [pattern, what] of SECRET_PATTERNS) {
        if (pattern.test(line)) problems.push(`${file.path}:${index + 1}: ${what}: ${line.trim()}`);
      }
    });
  }
  return problems;
}

/** Compares role ids by name against the documented table; every used name must be documented. */
export function checkRoleIds(used: Record<string, string>, documented: Record<string, string>): string[] {
  return Object.entries(used).flatMap(([name, id]) => {
    if (!(name in documented)) return [`role '${name}' is not a documented built-in role this app needs`];
    return id.toLowerCase() === documented[name].toLowerCase()
      ? []
      : [`role '${name}' has id ${id}, the documented built-in id is ${documented[name]}`];
  });
}

/**
 * host.json as the Functions host sees it with app settings applied: `AzureFunctionsJobHost__a__b` overrides
 * host.json `a.b`, matching existing keys case-insensitively (specs/azure-deployment.md §6).
 */
export function applyHostJsonOverrides(hostJson: Json, settings: Record<string, string>): Json {
  const result = JSON.parse(JSON.stringify(hostJson)) as { [key: string]: Json };
  for (const [name, value] of Object.entries(settings)) {
    const m = /^AzureFunctionsJobHost__(.+)$/i.exec(name);
    if (!m) continue;
    const keys = m[1].split('__');
    let node = result;
    keys.forEach((key, i) => {
      const existing = Object.keys(node).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
      if (i === keys.length - 1) {
        node[existing] = value;
        return;
      }
      const child = node[existing];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) node[existing] = {};
      node = node[existing] as { [key: string]: Json };
    });
  }
  return result;
}

/** Names in `%NAME%` references anywhere in host.json: the host substitutes app settings there. */
export function percentReferences(json: Json): string[] {
  if (typeof json === 'string') return [...json.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1]);
  if (Array.isArray(json)) return json.flatMap(percentReferences);
  if (json && typeof json === 'object') return Object.values(json).flatMap(percentReferences);
  return [];
}

export interface EnvRead {
  name: string;
  /** The code has its own answer when the setting is missing. */
  hasFallback: boolean;
}

/**
 * process.env reads in `code`. A read has a fallback when `??`, `||` or `?.` follows it, or when it is stored in a
 * variable that the code then tests (`if (v)`, `if (!v)`, `v ??`, `v ||`, `v ?`).
 */
export function environmentReads(code: string): EnvRead[] {
  const pattern = /(?:(?:const|let|var)\s+(\w+)\s*=\s*)?process\.env(?:\.([A-Za-z_]\w*)|\[\s*(['"`])([^'"`]+)\3\s*\])(\s*(?:\?\?|\|\||\?\.))?/g;
  return [...code.matchAll(pattern)].map((m) => {
    const variable = m[1];
    const tested = variable !== undefined && new RegExp(`if\\s*\\(\\s*!?\\s*${variable}\\s*\\)|\\b${variable}\\s*(\\?\\?|\\|\\||\\?)`).test(code);
    return { name: m[2] ?? m[4], hasFallback: m[5] !== undefined || tested };
  });
}

/** Relative imports from `file` that land in a folder the deployment package leaves out. */
export function importsFromExcludedFolders(file: SourceFile, repoRoot: string, excluded: string[]): string[] {
  const specifiers = [...file.text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.filter((specifier) => {
    const target = path.relative(repoRoot, path.resolve(path.dirname(path.join(repoRoot, file.path)), specifier));
    return excluded.some((folder) => target === folder || target.startsWith(`${folder}/`));
  });
}

/**
 * Set by App Service itself on every app, read-only, so the code may read them without an app setting
 * (learn.microsoft.com/azure/app-service/reference-app-settings; WEBSITE_HOSTNAME / WEBSITE_INSTANCE_ID: Kudu wiki
 * "Azure runtime environment").
 */
const PLATFORM_SETTINGS = new Set([
  'WEBSITE_HOSTNAME',
  'WEBSITE_SITE_NAME',
  'WEBSITE_INSTANCE_ID',
  'WEBSITE_RESOURCE_GROUP',
  'WEBSITE_OWNER_NAME',
  'REGION_NAME',
  'HOME',
]);

/** Flex Consumption rejects or ignores these as app settings; functionAppConfig carries them (§4.3). */
const FLEX_REJECTED_SETTINGS = [
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'ENABLE_ORYX_BUILD',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_CONTENTOVERVNET',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'FUNCTIONS_MAX_HTTP_CONCURRENCY',
];

export interface AppContract {
  /** The repo's host.json as committed. */
  hostJson: Json;
  /** process.env reads of the functions/ code. */
  environmentReads: EnvRead[];
}

/** Everything the app and host.json read, checked against the app settings the Bicep sets for one backend. */
export function checkAppSettings(settings: AppSettings, app: AppContract, backend: Backend): string[] {
  const problems: string[] = [];
  const literals: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'string') literals[name] = value;
    else if (/^AzureFunctionsJobHost__/i.test(name)) problems.push(`override ${name} must be a literal string, is ${describe(value)}`);
  }

  const effective = applyHostJsonOverrides(app.hostJson, literals) as { [key: string]: any };
  const durable = findKey(findKey(effective, 'extensions'), 'durableTask') ?? {};
  const provider = findKey(durable, 'storageProvider') ?? {};
  const type: string = findKey(provider, 'type') ?? 'AzureStorage';
  if (type.toLowerCase() !== backend.toLowerCase()) {
    problems.push(`host.json plus the app-setting overrides selects storageProvider.type '${type}', not '${backend}'`);
  }
  for (const name of percentReferences(effective)) {
    if (!(name in settings)) problems.push(`host.json reads %${name}%, which is not an app setting`);
  }

  // specs/azure-deployment.md §3.2: for Azure Storage, connectionName/connectionStringName names the storage connection.
  const connection: string | undefined = findKey(provider, 'connectionStringName') ?? findKey(provider, 'connectionName');
  if (type.toLowerCase() === 'azurestorage') {
    problems.push(...identityConnectionProblems(settings, connection ?? 'AzureWebJobsStorage'));
  } else if (type.toLowerCase() === 'azuremanaged') {
    if (!connection) problems.push('storageProvider.connectionStringName is not set for the azureManaged provider');
    else problems.push(...schedulerConnectionProblems(settings, connection));
  }

  // The host always needs its own storage, whatever the Durable backend (§3.3).
  problems.push(...identityConnectionProblems(settings, 'AzureWebJobsStorage'));

  if (!('APPLICATIONINSIGHTS_CONNECTION_STRING' in settings)) problems.push('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  const telemetryAuth = sourceOf(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
  if (!/Authorization=AAD/.test(telemetryAuth) || !/ClientId=/.test(telemetryAuth)) {
    problems.push('APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be Authorization=AAD;ClientId=<identity> (local auth is off, §8)');
  }

  for (const read of app.environmentReads) {
    if (!read.hasFallback && !(read.name in settings) && !PLATFORM_SETTINGS.has(read.name)) {
      problems.push(`functions/ reads process.env.${read.name} without a default, and no app setting provides it`);
    }
  }
  for (const name of FLEX_REJECTED_SETTINGS) {
    if (name in settings) problems.push(`${name} must not be an app setting on Flex Consumption (§4.3)`);
  }
  return problems;
}

/** An identity-based storage connection `<prefix>__*` (§3.1), and no key-based `<prefix>` string. */
function identityConnectionProblems(settings: AppSettings, prefix: string): string[] {
  const problems: string[] = [];
  if (prefix in settings) problems.push(`${prefix} is set as a connection string; use the identity-based ${prefix}__* settings`);
  if (settings[`${prefix}__credential`] !== 'managedidentity') problems.push(`${prefix}__credential must be 'managedidentity'`);
  if (!(`${prefix}__clientId` in settings)) problems.push(`${prefix}__clientId (the user-assigned identity's client id) is not set`);
  if (`${prefix}__managedIdentityResourceId` in settings) {
    problems.push(`${prefix}__managedIdentityResourceId is not supported by Durable Functions; use __clientId`);
  }
  // __accountName is valid for AzureWebJobsStorage only (§3.1); every connection gets the service URIs.
  if (prefix === 'AzureWebJobsStorage' && !(`${prefix}__accountName` in settings)) problems.push(`${prefix}__accountName is not set`);
  for (const service of ['blob', 'queue', 'table']) {
    if (!(`${prefix}__${service}ServiceUri` in settings)) problems.push(`${prefix}__${service}ServiceUri is not set`);
  }
  return problems;
}

/** `Endpoint=...;Authentication=ManagedIdentity;ClientID=...;TaskHub=...` with TaskHub equal to TASKHUB_NAME (§3.3). */
function schedulerConnectionProblems(settings: AppSettings, name: string): string[] {
  if (!(name in settings)) return [`the Scheduler connection setting ${name} is not set`];
  const source = sourceOf(settings[name]);
  const problems: string[] = [];
  for (const part of ['Endpoint=', 'Authentication=ManagedIdentity', 'ClientID=', 'TaskHub=']) {
    if (!source.includes(part)) problems.push(`${name} lacks ${part}`);
  }
  // Both sides are evaluated as far as the reader can: a literal, or `${expression}` where it cannot.
  const hub = /TaskHub=([^;']+)/.exec(source)?.[1];
  const hubName = settings.TASKHUB_NAME;
  const expected = typeof hubName === 'string' ? hubName : `\${${hubName instanceof Opaque ? hubName.source : ''}}`;
  if (hub !== undefined && hub !== expected) {
    problems.push(`${name} has TaskHub=${hub} but TASKHUB_NAME is ${expected}; keep them equal`);
  }
  return problems;
}

function sourceOf(value: BicepValue | undefined): string {
  if (value === undefined) return '';
  if (value instanceof Opaque) return value.source;
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

function describe(value: BicepValue): string {
  return value instanceof Opaque ? `the expression ${value.source}` : JSON.stringify(value);
}

function findKey(node: any, key: string): any {
  if (!node || typeof node !== 'object') return undefined;
  const match = Object.keys(node).find((k) => k.toLowerCase() === key.toLowerCase());
  return match === undefined ? undefined : node[match];
}

/** Top-level resources of one type (API version ignored), their bodies evaluated as far as the reader can. */
export function resourcesOfType(text: string, type: string): Array<{ name: string; body: BicepValue }> {
  const all = declarations(text);
  return all
    .filter((d) => d.kind === 'resource' && quotedHead(d).split('@')[0].toLowerCase() === type.toLowerCase())
    .map((d) => ({ name: d.name, body: evaluate(declarationObject(d), { bindings: {}, declarations: all }) }));
}

/** Storage accounts must refuse shared-key (account key and SAS) access (§7). */
export function sharedKeyProblems(text: string): string[] {
  return resourcesOfType(text, 'Microsoft.Storage/storageAccounts').flatMap(({ name, body }) =>
    at(body, 'properties', 'allowSharedKeyAccess') === false ? [] : [`storage account '${name}' does not set allowSharedKeyAccess: false`],
  );
}

/** The Scheduler's auto-purge policy: days per orchestration state, 'default' for the entry without a state (§1.4). */
export function retentionProblems(text: string, expected: Record<string, number>): string[] {
  const policies = resourcesOfType(text, 'Microsoft.DurableTask/schedulers/retentionPolicies');
  if (policies.length !== 1) return [`expected one retentionPolicies resource, found ${policies.length}`];
  const entries = at(policies[0].body, 'properties', 'retentionPolicies');
  if (!Array.isArray(entries)) return ['retentionPolicies.properties.retentionPolicies is not an array literal'];
  const actual: Record<string, BicepValue | undefined> = {};
  for (const entry of entries) actual[String(at(entry, 'orchestrationState') ?? 'default')] = at(entry, 'retentionPeriodInDays');
  return JSON.stringify(actual, Object.keys(actual).sort()) === JSON.stringify(expected, Object.keys(expected).sort())
    ? []
    : [`retention days are ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`];
}

/** Function Apps run `runtime` on Flex and fetch their package with a managed identity, never a connection string (§4.2). */
export function functionAppProblems(text: string, runtime: { name: string; version: string }): string[] {
  return resourcesOfType(text, 'Microsoft.Web/sites').flatMap(({ name, body }) => {
    const config = at(body, 'properties', 'functionAppConfig');
    const problems: string[] = [];
    const actual = { name: at(config, 'runtime', 'name'), version: at(config, 'runtime', 'version') };
    if (actual.name !== runtime.name || actual.version !== runtime.version) {
      problems.push(`site '${name}' runs ${JSON.stringify(actual)}, expected ${JSON.stringify(runtime)}`);
    }
    const auth = at(config, 'deployment', 'storage', 'authentication', 'type');
    if (auth !== 'UserAssignedIdentity' && auth !== 'SystemAssignedIdentity') {
      problems.push(`site '${name}' reads its package with authentication ${JSON.stringify(auth)}, not a managed identity`);
    }
    return problems;
  });
}

/**
 * Role assignments take their role id from the exported builtInRoles table through
 * subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ...), name a principalType, and no file but the
 * table holds a GUID literal.
 */
export function roleAssignmentProblems(file: SourceFile): string[] {
  const problems = resourcesOfType(file.text, 'Microsoft.Authorization/roleAssignments').flatMap(({ name, body }) => {
    const found: string[] = [];
    const roleId = at(body, 'properties', 'roleDefinitionId');
    if (!(roleId instanceof Opaque) || !/^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions',/.test(roleId.source)) {
      found.push(
        `${file.path}: role assignment '${name}' does not build its roleDefinitionId with ` +
          "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ...)",
      );
    }
    if (at(body, 'properties', 'principalType') === undefined) found.push(`${file.path}: role assignment '${name}' has no principalType`);
    return found;
  });
  const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(file.text);
  if (guid) problems.push(`${file.path}: GUID literal ${guid[0]}; role ids belong in modules/built-in-roles.bicep`);
  return problems;
}

/** Names of the builtInRoles entries a file grants. */
export function grantedRoles(text: string): string[] {
  return [...new Set([...text.matchAll(/builtInRoles\.(\w+)/g)].map((m) => m[1]))].sort();
}
