// Parameter types main.bicep and the modules share, so a type is declared once.

@export()
@description('Instances Flex Consumption keeps warm for one per-function scaling group.')
type alwaysReadyGroup = {
  @description('Per-function scaling group: durable (orchestrations, activities, entities), http, blob or function:<function name>.')
  name: string

  @description('Instances kept warm for the group.')
  @minValue(1)
  instanceCount: int
}
