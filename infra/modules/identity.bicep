// The Function App's user-assigned managed identity: the one principal that reaches storage, monitoring and the
// Scheduler. User-assigned (not system-assigned) so roles can be granted before the app exists and survive its
// re-creation (specs/azure-deployment.md §3.1).

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
