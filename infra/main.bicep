// Deploys the sample Function App with `azd up`: Flex Consumption on Node.js 22, a user-assigned identity that is the
// only way into storage, monitoring and the Scheduler (no keys, no secrets in settings), and either Durable backend.
// Facts and sources: specs/azure-deployment.md. What a first deployment should check: infra/README.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds every resource name.')
param environmentName string

// Regions that offer both Flex Consumption and the Durable Task Scheduler, so switching backends never needs a move
// (specs/azure-deployment.md §5.2).
@minLength(1)
@allowed([
  'australiaeast'
  'centralus'
  'eastasia'
  'eastus2'
  'northcentralus'
  'northeurope'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westus2'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Where Durable Functions keeps its state: an Azure Storage task hub (as host.json says) or the Durable Task Scheduler.')
@allowed([
  'AzureStorage'
  'azureManaged'
])
param durableBackend string = 'AzureStorage'

// Azure Storage hub names are letters and digits starting with a letter, 3-45 long; the Scheduler also allows '-'.
// One name valid for both lets the backend switch without renaming (§3.2). Same as local.settings.json.
@description('Task hub name: letters and digits, starting with a letter, 3-45 characters.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'SampleHub'

@description('Object id of the developer running azd (set by azd); gets Scheduler dashboard access. Empty: none.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@allowed([
  'Consumption'
  'Dedicated'
])
param schedulerSkuName string = 'Consumption'

// One follows the Flex guidance for Azure Storage (§4.2) and keeps a worker listening even if the platform scaler
// misses the backend override (§6, infra/README.md).
@description('Always-ready instances for orchestrator, activity and entity triggers; 0 lets the app scale to zero.')
@minValue(0)
param durableAlwaysReadyInstances int = 1

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var useScheduler = durableBackend == 'azureManaged'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    appPrincipalId: identity.outputs.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    workspaceName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    insightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module scheduler 'modules/scheduler.bicep' = if (useScheduler) {
  name: 'scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    location: location
    tags: tags
    taskHubName: taskHubName
    skuName: schedulerSkuName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
  }
}

// Settings every deployment has. Host storage is identity-based: account name and service URIs, the managed
// identity credential and its client id; a plain AzureWebJobsStorage connection string is never set (§3.1). The
// Durable Azure Storage provider shares this connection, hence the queue and table URIs.
var hostAppSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  // The BackupSiteContent sample's blob output (connection 'StorageConnString') on the same account, by identity.
  StorageConnString__blobServiceUri: storage.outputs.blobEndpoint
  StorageConnString__credential: 'managedidentity'
  StorageConnString__clientId: identity.outputs.clientId
  TASKHUB_NAME: taskHubName
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.outputs.clientId}'
}

// The backend is chosen without editing host.json, through the host's documented AzureFunctionsJobHost__<path>
// overrides (§6). host.json names the Azure Storage provider and no connection, because for that provider
// connectionStringName names the *storage* connection (§3.2); the Scheduler switches type and connection together.
var durableAppSettings = useScheduler ? {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  // Keep TaskHub= equal to TASKHUB_NAME: which one wins when they differ is undocumented (§3.3).
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler!.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.outputs.clientId};TaskHub=${taskHubName}'
} : {
  // Idle workers poll the task hub queues at most this far apart; the provider doc asks for 10 s on Flex (§4.2).
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval: '00:00:10'
}

module app 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: union(hostAppSettings, durableAppSettings)
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
  }
}

// azd stores these in .azure/<env>/.env; `azd env get-value FUNCTION_APP_URL` reads one.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = app.outputs.name
output FUNCTION_APP_URL string = app.outputs.url
output DURABLE_BACKEND string = durableBackend
output TASKHUB_NAME string = taskHubName
output DURABLE_TASK_SCHEDULER_ENDPOINT string = useScheduler ? scheduler!.outputs.endpoint : ''
output DURABLE_TASK_SCHEDULER_DASHBOARD_URL string = useScheduler ? scheduler!.outputs.dashboardUrl : ''
