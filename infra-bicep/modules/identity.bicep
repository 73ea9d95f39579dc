// The user-assigned identity the Function App runs as: storage, Key Vault, monitoring and Spark access are granted to it,
// so they survive re-creating the app and can be granted before the app exists.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) ID of the identity, used by the app to ask for tokens.')
output clientId string = identity.properties.clientId

@description('Object (principal) ID of the identity, used in role assignments.')
output principalId string = identity.properties.principalId
