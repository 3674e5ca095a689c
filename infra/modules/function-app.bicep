// Flex Consumption plan and the Function App on Node.js 22 (specs/azure-deployment.md §4.2). Flex supports both
// Durable backends and has no Azure Files content share, so storage can stay keyless (§4.1, §7).
// Flex sets the worker runtime and Functions version from functionAppConfig; FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be app settings here (§4.3).

param name string
param planName string
param location string
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Blob container URL the Flex platform reads the app package from.')
param deploymentContainerUrl string

@description('Every app setting of the app; composed in main.bicep.')
param appSettings object

@description('Instances kept warm for orchestrator, activity and entity triggers. 0 lets the app scale to zero.')
@minValue(0)
param durableAlwaysReadyInstances int

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the deploy target by this tag (§5.5); it goes on the site only.
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // The Azure Storage provider doc asks for one always-ready 'durable' instance on Flex (§4.2).
        alwaysReady: durableAlwaysReadyInstances > 0 ? [
          {
            name: 'durable'
            instanceCount: durableAlwaysReadyInstances
          }
        ] : []
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
