import type { VariableSpec } from '../dashboardSpec.ts'
import { DATASOURCE_VARIABLES } from '../dashboardSpec.ts'
import type { GenerateModel } from '../generateModel.ts'
import { DASHBOARD_VARS, queryKit } from '../queryKit.ts'

/**
 * The Prometheus datasource variable, plus `tenant` (when the HTTP metrics carry a tenant label) and `route`
 * query variables (multi-select, "All" = `.*`), read from the request series of the service's job.
 *
 * @example
 * prometheusVariables(model).map((v) => v.name) // ['datasource', 'tenant', 'route']
 */
export function prometheusVariables(model: GenerateModel, withRoute = true): VariableSpec[] {
  const q = queryKit(model, false)
  const l = model.names.labels
  const out: VariableSpec[] = [
    {
      name: DATASOURCE_VARIABLES.prometheus,
      label: 'Prometheus',
      kind: 'datasource',
      datasource: 'prometheus',
    },
  ]
  if (model.config.metrics.tenantLabel) {
    out.push({
      name: DASHBOARD_VARS.tenant.slice(1),
      label: 'Tenant',
      kind: 'query',
      datasource: 'prometheus',
      query: `label_values(${q.sel(model.names.requestsSeries)}, ${l.tenant})`,
      includeAll: true,
      multi: true,
      allValue: '.*',
    })
  }
  if (withRoute) {
    const tenant = model.config.metrics.tenantLabel
      ? [{ label: l.tenant, op: '=~' as const, value: DASHBOARD_VARS.tenant }]
      : []
    out.push({
      name: DASHBOARD_VARS.route.slice(1),
      label: 'Route',
      kind: 'query',
      datasource: 'prometheus',
      query: `label_values(${q.sel(model.names.requestsSeries, tenant)}, ${l.route})`,
      includeAll: true,
      multi: true,
      allValue: '.*',
    })
  }
  return out
}
