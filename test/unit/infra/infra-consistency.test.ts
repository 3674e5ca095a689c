/**
 * infra/ and the app agree (issue 7). No Bicep compiler runs here (infra/README.md), so this reads the templates as
 * text: for each Durable backend, every setting the app and host.json read is set; no key or secret appears in
 * infra/; role ids are the documented built-in ones; storage is keyless; the Scheduler purges on 7/14/30 days; the
 * app runs Node 22; the outputs exist; modules, parameters and the deployment package fit together. Every checker
 * also runs on a bad snippet, to show it can fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { at, declarationObject, declarations, Declaration, evaluate, isObject, Opaque, quotedHead, Scope } from './bicep-text';
import {
  AppSettings,
  Backend,
  checkAppSettings,
  checkRoleIds,
  environmentReads,
  findSecrets,
  functionAppProblems,
  grantedRoles,
  importsFromExcludedFolders,
  retentionProblems,
  roleAssignmentProblems,
  sharedKeyProblems,
  SourceFile,
} from './deployment-rules';

const repo = path.resolve(__dirname, '../../..');
const read = (relative: string) => fs.readFileSync(path.join(repo, relative), 'utf8');

function filesUnder(relative: string, extension = ''): SourceFile[] {
  const dir = path.join(repo, relative);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(relative, name))
    .filter((file) => fs.statSync(path.join(repo, file)).isFile() && file.endsWith(extension))
    .map((file) => ({ path: file, text: read(file) }));
}

/**
 * Built-in role definition ids as documented in learn.microsoft.com/azure/role-based-access-control/built-in-roles
 * (copied into specs/azure-deployment.md §2.1). Written out here, not read from infra/, so the Bicep is checked
 * against the documentation rather than against itself.
 */
const DOCUMENTED_ROLES: Record<string, string> = {
  StorageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  StorageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  StorageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  MonitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  DurableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402',
};

const BACKENDS: Backend[] = ['AzureStorage', 'azureManaged'];
const mainText = read('infra/main.bicep');
const main = declarations(mainText);
const hostJson = JSON.parse(read('host.json'));
const localSettings = JSON.parse(read('local.settings.json'));
const functionsCode = filesUnder('functions', '.ts');
const app = { hostJson, environmentReads: functionsCode.flatMap((file) => environmentReads(file.text)) };

const scopeFor = (backend: Backend): Scope => ({ bindings: { durableBackend: backend }, declarations: main });
const moduleNamed = (name: string): Declaration => {
  const found = main.find((d) => d.kind === 'module' && d.name === name);
  if (!found) throw new Error(`infra/main.bicep has no module '${name}'`);
  return found;
};
const moduleFile = (name: string) => path.posix.join('infra', quotedHead(moduleNamed(name)));

function appSettingsFor(backend: Backend): AppSettings {
  const settings = at(evaluate(declarationObject(moduleNamed('app')), scopeFor(backend)), 'params', 'appSettings');
  if (!isObject(settings)) throw new Error(`app settings for ${backend} are not an object the reader can evaluate: ${JSON.stringify(settings)}`);
  return settings;
}

const outputFor = (name: string, backend: Backend) => {
  const output = main.find((d) => d.kind === 'output' && d.name === name);
  return output && evaluate(output.body, scopeFor(backend));
};

describe.each(BACKENDS)('durableBackend = %s', (backend) => {
  const settings = appSettingsFor(backend);

  test('every setting the app and host.json read is set, identity-based, and none that Flex rejects', () => {
    expect(checkAppSettings(settings, app, backend)).toEqual([]);
  });

  test('TASKHUB_NAME is a hub name both backends accept (specs/azure-deployment.md §3.2), the one used locally', () => {
    expect(settings.TASKHUB_NAME).toMatch(/^[A-Za-z][A-Za-z0-9]{2,44}$/);
    expect(settings.TASKHUB_NAME).toBe(localSettings.Values.TASKHUB_NAME);
  });

  test('the Scheduler connection is set exactly when the Scheduler is the backend', () => {
    expect('DURABLE_TASK_SCHEDULER_CONNECTION_STRING' in settings).toBe(backend === 'azureManaged');
  });

  test('outputs give the app URL, and the dashboard URL when the Scheduler is used', () => {
    expect(outputFor('FUNCTION_APP_URL', backend)).toEqual(new Opaque('app.outputs.url'));
    const dashboard = outputFor('DURABLE_TASK_SCHEDULER_DASHBOARD_URL', backend);
    expect(dashboard).toEqual(backend === 'azureManaged' ? new Opaque('scheduler!.outputs.dashboardUrl') : '');
  });
});

describe('checkAppSettings fails on', () => {
  const good = appSettingsFor('azureManaged');
  const without = (settings: AppSettings, ...names: string[]) =>
    Object.fromEntries(Object.entries(settings).filter(([name]) => !names.includes(name)));

  test('a key-based host storage string and a missing identity credential', () => {
    const bad = { ...without(good, 'AzureWebJobsStorage__credential'), AzureWebJobsStorage: new Opaque('storageConnection') };
    expect(checkAppSettings(bad, app, 'azureManaged')).toEqual(
      expect.arrayContaining([
        'AzureWebJobsStorage is set as a connection string; use the identity-based AzureWebJobsStorage__* settings',
        "AzureWebJobsStorage__credential must be 'managedidentity'",
      ]),
    );
  });

  test('a Scheduler deployment that forgets the host.json override', () => {
    const bad = without(good, 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type');
    expect(checkAppSettings(bad, app, 'azureManaged')).toContain(
      "host.json plus the app-setting overrides selects storageProvider.type 'AzureStorage', not 'azureManaged'",
    );
  });

  test('a Scheduler connection string with a different task hub or another authentication', () => {
    const bad = { ...good, DURABLE_TASK_SCHEDULER_CONNECTION_STRING: "Endpoint=https://x.durabletask.io;Authentication=None;TaskHub=OtherHub" };
    expect(checkAppSettings(bad, app, 'azureManaged')).toEqual(
      expect.arrayContaining([
        'DURABLE_TASK_SCHEDULER_CONNECTION_STRING lacks Authentication=ManagedIdentity',
        'DURABLE_TASK_SCHEDULER_CONNECTION_STRING lacks ClientID=',
        `DURABLE_TASK_SCHEDULER_CONNECTION_STRING has TaskHub=OtherHub but TASKHUB_NAME is ${good.TASKHUB_NAME}; keep them equal`,
      ]),
    );
  });

  test('code that reads a setting nobody sets, and settings Flex rejects', () => {
    const reads = environmentReads(
      [
        'const a = process.env.ORDERS_API_URL;',
        "const b = process.env['DB_PATH'] ?? '/tmp/db.json';",
        'const base = process.env.BASE_URL;',
        'if (base) return base;',
        "const host = process.env.WEBSITE_HOSTNAME?.replace('0.0.0.0', 'localhost');",
      ].join('\n'),
    );
    expect(reads).toEqual([
      { name: 'ORDERS_API_URL', hasFallback: false },
      { name: 'DB_PATH', hasFallback: true },
      { name: 'BASE_URL', hasFallback: true },
      { name: 'WEBSITE_HOSTNAME', hasFallback: true },
    ]);
    const bad = { ...good, FUNCTIONS_WORKER_RUNTIME: 'node' };
    expect(checkAppSettings(bad, { ...app, environmentReads: reads }, 'azureManaged')).toEqual(
      expect.arrayContaining([
        'functions/ reads process.env.ORDERS_API_URL without a default, and no app setting provides it',
        'FUNCTIONS_WORKER_RUNTIME must not be an app setting on Flex Consumption (§4.3)',
      ]),
    );
  });

  test('a host.json that names the Scheduler connection while the Azure Storage provider is selected', () => {
    // Why host.json carries no connectionStringName: for the Azure Storage provider that key names the *storage*
    // connection (specs/azure-deployment.md §3.2), so the Azure Storage backend would look for a storage account there.
    const hostWithName = JSON.parse(JSON.stringify(hostJson));
    hostWithName.extensions.durableTask.storageProvider.connectionStringName = 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING';
    const problems = checkAppSettings(appSettingsFor('AzureStorage'), { ...app, hostJson: hostWithName }, 'AzureStorage');
    expect(problems).toContain("DURABLE_TASK_SCHEDULER_CONNECTION_STRING__credential must be 'managedidentity'");
  });

  test('a host.json %setting% that no app setting provides', () => {
    const hostWithReference = { ...hostJson, extensions: { ...hostJson.extensions, http: { routePrefix: '%ROUTE_PREFIX%' } } };
    expect(checkAppSettings(good, { ...app, hostJson: hostWithReference }, 'azureManaged')).toContain(
      'host.json reads %ROUTE_PREFIX%, which is not an app setting',
    );
  });
});

describe('no secrets in infra/', () => {
  test('no storage key, SAS, key listing or secret-bearing connection string in any file', () => {
    const files = [...filesUnder('infra'), { path: 'azure.yaml', text: read('azure.yaml') }];
    expect(files.length).toBeGreaterThan(8);
    expect(findSecrets(files)).toEqual([]);
  });

  test('the scan finds them in a bad snippet', () => {
    const bad = {
      path: 'bad.bicep',
      text: [
        "var conn = 'DefaultEndpointsProtocol=https;AccountName=${st.name};AccountKey=${st.listKeys().keys[0].value}'",
        "var sas = 'https://st.blob.core.windows.net/c?sv=2022&sig=abc'",
        "var bus = 'Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=abc'",
      ].join('\n'),
    };
    expect(findSecrets([bad]).map((p) => p.split(': ')[1])).toEqual([
      'storage account key in a connection string',
      'key listing (listKeys)',
      'key-based storage connection string',
      'SAS token signature',
      'shared access key',
    ]);
  });

  test('every storage account refuses shared-key access; the scan catches one that does not', () => {
    const storage = read(moduleFile('storage'));
    expect(sharedKeyProblems(storage)).toEqual([]);
    expect(storage).toMatch(/'Microsoft\.Storage\/storageAccounts@/);
    const bad = storage.replace('allowSharedKeyAccess: false', 'allowSharedKeyAccess: true');
    expect(sharedKeyProblems(bad)).toEqual(["storage account 'account' does not set allowSharedKeyAccess: false"]);
  });

  test('Application Insights accepts Entra-authenticated telemetry only', () => {
    const insights = read(moduleFile('monitoring'));
    const [component] = declarations(insights).filter((d) => d.kind === 'resource' && quotedHead(d).startsWith('Microsoft.Insights/components@'));
    expect(at(evaluate(declarationObject(component), { bindings: {}, declarations: [] }), 'properties', 'DisableLocalAuth')).toBe(true);
  });
});

describe('role assignments', () => {
  const bicepFiles = filesUnder('infra', '.bicep');
  const table = evaluate(declarations(read('infra/modules/built-in-roles.bicep')).find((d) => d.name === 'builtInRoles')!.body, {
    bindings: {},
    declarations: [],
  }) as Record<string, string>;

  test('role definition ids are the documented built-in ones', () => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(DOCUMENTED_ROLES).sort());
    expect(checkRoleIds(table, DOCUMENTED_ROLES)).toEqual([]);
  });

  test('a wrong or undocumented role id is caught', () => {
    expect(
      checkRoleIds(
        {
          StorageBlobDataOwner: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', // actually Storage Blob Data Contributor
          StorageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab', // grants the account keys
        },
        DOCUMENTED_ROLES,
      ),
    ).toEqual([
      'role \'StorageBlobDataOwner\' has id ba92f5b4-2d11-453d-a403-e96b0029c9fe, the documented built-in id is b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      "role 'StorageAccountContributor' is not a documented built-in role this app needs",
    ]);
  });

  test('every assignment uses the table, a subscription-level role definition and a principal type', () => {
    const others = bicepFiles.filter((file) => !file.path.endsWith('built-in-roles.bicep'));
    expect(others.flatMap(roleAssignmentProblems)).toEqual([]);
    const bad = {
      path: 'bad.bicep',
      text: [
        "resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
        "  name: 'x'",
        '  properties: {',
        "    roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/0ad04412-c4d5-4796-b79c-f76d14c8d402'",
        '    principalId: p',
        '  }',
        '}',
      ].join('\n'),
    };
    expect(roleAssignmentProblems(bad)).toHaveLength(3);
  });

  test('the app identity gets the storage data roles, Monitoring Metrics Publisher and, with the Scheduler, Durable Task Data Contributor', () => {
    expect(grantedRoles(read(moduleFile('storage')))).toEqual(['StorageBlobDataOwner', 'StorageQueueDataContributor', 'StorageTableDataContributor']);
    expect(grantedRoles(read(moduleFile('monitoring')))).toEqual(['MonitoringMetricsPublisher']);
    expect(grantedRoles(read(moduleFile('scheduler')))).toEqual(['DurableTaskDataContributor']);
    expect(moduleNamed('scheduler').body).toMatch(/^if \(useScheduler\)/);
  });
});

describe('Durable Task Scheduler', () => {
  const expected = { default: 7, Completed: 14, Failed: 30 };

  test('retention purges terminal instances after 7 days by default, 14 for Completed, 30 for Failed', () => {
    const scheduler = read(moduleFile('scheduler'));
    expect(retentionProblems(scheduler, expected)).toEqual([]);
    expect(retentionProblems(scheduler.replace('retentionPeriodInDays: 14', 'retentionPeriodInDays: 90'), expected)).toEqual([
      'retention days are {"default":7,"Completed":90,"Failed":30}, expected {"default":7,"Completed":14,"Failed":30}',
    ]);
  });

  test('the dashboard output is the documented dashboard address for this endpoint and hub', () => {
    const outputs = declarations(read(moduleFile('scheduler'))).filter((d) => d.kind === 'output');
    expect(outputs.find((d) => d.name === 'dashboardUrl')?.body).toBe(
      "'https://dashboard.durabletask.io/?endpoint=${scheduler.properties.endpoint}&taskhub=${taskHub.name}'",
    );
  });
});

describe('Function App', () => {
  const functionApp = read(moduleFile('app'));

  test('runs Node.js 22 on Flex with the worker runtime local.settings.json names, and a keyless package download', () => {
    const runtime = { name: localSettings.Values.FUNCTIONS_WORKER_RUNTIME, version: '22' };
    expect(runtime.name).toBe('node');
    expect(functionAppProblems(functionApp, runtime)).toEqual([]);
    expect(functionApp).toMatch(/tier: 'FlexConsumption'/);
    const bad = functionApp.replace("version: '22'", "version: '20'").replace("type: 'UserAssignedIdentity'", "type: 'StorageAccountConnectionString'");
    expect(functionAppProblems(bad, runtime)).toEqual([
      `site 'app' runs {"name":"node","version":"20"}, expected {"name":"node","version":"22"}`,
      'site \'app\' reads its package with authentication "StorageAccountConnectionString", not a managed identity',
    ]);
  });

  test('azd finds the site by the service name azure.yaml deploys', () => {
    const service = /^services:\n\s+(\w+):/m.exec(read('azure.yaml'))?.[1];
    expect(service).toBe('api');
    expect(functionApp).toContain(`'azd-service-name': '${service}'`);
  });
});

describe('templates fit together', () => {
  const modules = main.filter((d) => d.kind === 'module');

  test.each(modules.map((d) => [d.name, d] as const))('module %s: file exists, params match, outputs used exist', (name, module) => {
    const file = path.posix.join('infra', quotedHead(module));
    expect(fs.existsSync(path.join(repo, file))).toBe(true);
    const declared = declarations(read(file));
    const params = declared.filter((d) => d.kind === 'param');
    const passed = at(evaluate(declarationObject(module), { bindings: {}, declarations: [] }), 'params');
    if (!isObject(passed)) throw new Error(`module ${name} passes no params object`);
    expect(Object.keys(passed).filter((p) => !params.some((d) => d.name === p))).toEqual([]);
    expect(params.filter((d) => d.body === '' && !(d.name in passed)).map((d) => d.name)).toEqual([]);
    const used = [...mainText.matchAll(new RegExp(`\\b${name}!?\\.outputs\\.(\\w+)`, 'g'))].map((m) => m[1]);
    const outputs = declared.filter((d) => d.kind === 'output').map((d) => d.name);
    expect(used.filter((o) => !outputs.includes(o))).toEqual([]);
  });

  test('imports and loaded JSON files exist and provide what is used', () => {
    const imports = filesUnder('infra', '.bicep').flatMap((file) =>
      [...file.text.matchAll(/^import \{([^}]*)\} from '([^']+)'/gm)].flatMap(([, names, from]) =>
        names.split(',').map((name) => ({ name: name.trim(), from: path.posix.join(path.posix.dirname(file.path), from) })),
      ),
    );
    expect(imports.length).toBeGreaterThanOrEqual(3);
    for (const { name, from } of imports) {
      expect(declarations(read(from)).find((d) => d.name === name)?.decorators).toContain('@export()');
    }
    const abbreviations = JSON.parse(read('infra/abbreviations.json'));
    const used = [...mainText.matchAll(/\babbrs\.(\w+)/g)].map((m) => m[1]);
    expect(used.filter((key) => !(key in abbreviations))).toEqual([]);
  });

  test('main.parameters.json gives every required parameter, names only declared ones, and defaults to allowed values', () => {
    const parameters: Record<string, { value: string }> = JSON.parse(read('infra/main.parameters.json')).parameters;
    const params = main.filter((d) => d.kind === 'param');
    expect(Object.keys(parameters).filter((name) => !params.some((d) => d.name === name))).toEqual([]);
    expect(params.filter((d) => d.body === '' && !(d.name in parameters)).map((d) => d.name)).toEqual([]);
    for (const [name, { value }] of Object.entries(parameters)) {
      const fallback = /^\$\{\w+=(.*)\}$/.exec(value)?.[1];
      const allowed = params.find((d) => d.name === name)!.decorators.find((line) => line.startsWith('@allowed('));
      if (fallback !== undefined && allowed) expect(allowed).toContain(`'${fallback}'`);
    }
    expect(parameters.durableBackend.value).toBe('${DURABLE_BACKEND=AzureStorage}');
  });
});

describe('deployment package', () => {
  const ignored = read('.funcignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  test('.funcignore leaves out local settings, node_modules and the runtime, and keeps what the host loads', () => {
    expect(ignored).toEqual(expect.arrayContaining(['local.settings.json', 'node_modules/', 'src/', 'test/', 'bench/', 'infra/']));
    const kept = ['host.json', 'package.json', 'package-lock.json', 'tsconfig.json', 'functions', 'functions/'];
    kept.push('dist', 'dist/', 'dist/functions/', '*.ts', '*.js', '*.json');
    expect(ignored.filter((line) => kept.includes(line))).toEqual([]);
    expect(JSON.parse(read('package.json')).main).toBe('dist/functions/*.js');
  });

  test('the sample functions import nothing the package leaves out', () => {
    const excluded = ['src', 'test', 'bench', 'infra', 'docs'];
    expect(functionsCode.flatMap((file) => importsFromExcludedFolders(file, repo, excluded))).toEqual([]);
    const bad = { path: 'functions/hello.ts', text: "import { start } from '../src/index';\nimport x from './local';" };
    expect(importsFromExcludedFolders(bad, repo, excluded)).toEqual(['../src/index']);
  });
});
