// The Function App running the custom handler (a self-contained linux-x64 executable), on Flex Consumption or
// Elastic Premium. Both plans run as the user-assigned identity and reach storage without keys.
//
// Flex Consumption declares its language in functionAppConfig.runtime and rejects FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION as app settings; it pulls the package from a blob container with the identity.
// Elastic Premium takes the classic settings; it runs from the package blob URL (WEBSITE_RUN_FROM_PACKAGE) fetched
// with the identity, so no Azure Files content share (which needs a shared key) is involved.

@description('Name of the Function App.')
param name string

@description('Name of the hosting plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object

@description('Hosting plan: FlexConsumption (serverless, per-execution billing) or ElasticPremium (always one warm instance).')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string

@description('Elastic Premium SKU, used only when hostingPlan is ElasticPremium.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string = 'EP1'

@description('Largest number of instances the app scales out to (Flex Consumption accepts 40-1000).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each Flex Consumption instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Flex Consumption runtime version of the custom handler stack (az functionapp list-flexconsumption-runtimes lists them).')
param flexRuntimeVersion string = '1.0'

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Blob service endpoint of the storage account, ending with a slash.')
param blobEndpoint string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Blob name of the deployment package (Elastic Premium runs from this blob).')
param deploymentPackageName string

@description('App settings the app reads, as name/value pairs; plan-specific settings are added here.')
param appSettings object

var isFlex = hostingPlan == 'FlexConsumption'

// Elastic Premium is configured the classic way: the worker runtime and host version are app settings.
var elasticPremiumSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'custom'
  WEBSITE_RUN_FROM_PACKAGE: '${blobEndpoint}${deploymentContainerName}/${deploymentPackageName}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

var allSettings = isFlex ? appSettings : union(appSettings, elasticPremiumSettings)

var appSettingsArray = [
  for setting in items(allSettings): {
    name: setting.key
    value: setting.value
  }
]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: elasticPremiumSku
        tier: 'ElasticPremium'
      }
  properties: {
    reserved: true
    maximumElasticWorkerCount: isFlex ? null : maximumInstanceCount
  }
}

resource flexApp 'Microsoft.Web/sites@2024-04-01' = if (isFlex) {
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
    keyVaultReferenceIdentity: identityId
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
      }
      runtime: {
        name: 'custom'
        version: flexRuntimeVersion
      }
    }
    siteConfig: {
      appSettings: appSettingsArray
    }
  }
}

resource premiumApp 'Microsoft.Web/sites@2024-04-01' = if (!isFlex) {
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
    reserved: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      appSettings: appSettingsArray
      // The Functions stack definition of a Linux custom handler: no language image, 64-bit worker.
      linuxFxVersion: ''
      use32BitWorkerProcess: false
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      minimumElasticInstanceCount: 1
      functionAppScaleLimit: maximumInstanceCount
    }
  }
}

@description('Name of the Function App.')
output name string = isFlex ? flexApp.name : premiumApp.name

@description('Default host name of the Function App.')
output defaultHostName string = isFlex ? flexApp!.properties.defaultHostName : premiumApp!.properties.defaultHostName

@description('URL of the deployment package blob (Elastic Premium runs from it; Flex Consumption manages its own blobs there).')
output deploymentPackageUrl string = '${blobEndpoint}${deploymentContainerName}/${deploymentPackageName}'
