// The Durable Functions app (.NET isolated worker) on a Flex Consumption plan, running as the user-assigned identity.
//
// Flex Consumption declares the language only in functionAppConfig.runtime and refuses FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION as app settings. It pulls the package from a blob container with the identity, so no
// Azure Files content share (which needs a shared key) is involved. One app per plan: the plan lives here too.

import { alwaysReadyGroup } from 'types.bicep'

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object

@description('Largest number of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB; the CPU share grows with it.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready instances per group (for example durable, http or function:<name>); empty to scale to zero.')
param alwaysReady alwaysReadyGroup[] = []

@description('Resource ID of a subnet delegated to Microsoft.App/environments for outbound VNet integration; empty for none.')
param virtualNetworkSubnetId string = ''

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Blob service endpoint of the storage account, ending with a slash.')
param blobEndpoint string

@description('Blob container Flex Consumption deploys the package to and runs it from.')
param deploymentContainerName string

@description('App settings as name/value pairs.')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Flex Consumption runs on Linux only.
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
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
    // Key Vault references in app settings are resolved with this identity, not a system-assigned one.
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReady
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
      minTlsVersion: '1.2'
    }
  }
}

@description('Name of the Function App.')
output name string = app.name

@description('Default host name of the Function App.')
output defaultHostName string = app.properties.defaultHostName
