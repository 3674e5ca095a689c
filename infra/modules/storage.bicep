// The app's storage account: host storage (AzureWebJobsStorage), the Durable Azure Storage task hub when that backend
// is chosen, and the Flex deployment container. Reached only through Entra ID: shared-key access is off, so there is
// no key to leak or rotate (specs/azure-deployment.md §7).
import { builtInRoles } from 'built-in-roles.bicep'

param name string
param location string
param tags object
param deploymentContainerName string

@description('Principal id of the Function App identity.')
param appPrincipalId string

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    // Flex Consumption reads the app package from here with the app identity (§4.2).
    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }
}

// The host needs Blob Data Owner; the Durable Azure Storage provider adds queues and tables. The Scheduler backend
// keeps queues and tables too: the host and non-Durable triggers still use them (§2.2).
var appRoles = [
  builtInRoles.StorageBlobDataOwner
  builtInRoles.StorageQueueDataContributor
  builtInRoles.StorageTableDataContributor
]

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appRoles: {
    name: guid(account.id, appPrincipalId, roleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

output name string = account.name
// primaryEndpoints carry the cloud's own DNS suffix, so sovereign clouds work too (§3.1).
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
