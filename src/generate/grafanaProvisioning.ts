import { LOKI_BASE_LABELS, LOKI_METADATA_FIELDS } from '../logging/conventions.ts'
import type { GenerateModel } from './generateModel.ts'
import { LOG_FIELDS, SERVICE_NAME_ATTRIBUTE } from './logFields.ts'

/**
 * Grafana escapes: provisioning files expand `$VAR`/`${VAR}` from the environment, so Grafana's own
 * `${__value.raw}`-style macros are written `$${…}`.
 */
const macro = (name: string) => `$\${${name}}`

/**
 * The dashboard provider (Grafana file provisioning): the generated JSON files from `grafana.dashboardsPath`, in the
 * `grafana.folder` folder.
 *
 * @example
 * stringify(dashboardProvisioning(model))
 */
export function dashboardProvisioning(model: GenerateModel): Record<string, unknown> {
  const g = model.settings.grafana
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'lookout',
        orgId: 1,
        folder: g.folder,
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 10,
        options: { path: g.dashboardsPath, foldersFromFilesStructure: false },
      },
    ],
  }
}

/**
 * The datasources with pinned uids: Prometheus (exemplars link `trace_id` to Tempo), Loki (the `trace_id`
 * structured-metadata field links to Tempo) and Tempo (trace→logs into Loki by trace id and service, service
 * map from Prometheus).
 *
 * @example
 * stringify(datasourceProvisioning(model))
 */
export function datasourceProvisioning(model: GenerateModel): Record<string, unknown> {
  const g = model.settings.grafana
  const traceId = LOKI_METADATA_FIELDS[0]
  const [serviceLabel] = LOKI_BASE_LABELS
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        type: 'prometheus',
        uid: g.prometheus.uid,
        url: g.prometheus.url,
        access: 'proxy',
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          timeInterval: model.settings.prometheus.scrapeInterval,
          exemplarTraceIdDestinations: [{ name: traceId, datasourceUid: g.tempo.uid }],
        },
      },
      {
        name: 'Loki',
        type: 'loki',
        uid: g.loki.uid,
        url: g.loki.url,
        access: 'proxy',
        editable: false,
        jsonData: {
          maxLines: 1000,
          derivedFields: [
            {
              name: 'TraceID',
              matcherType: 'label',
              matcherRegex: traceId,
              datasourceUid: g.tempo.uid,
              url: macro('__value.raw'),
              urlDisplayLabel: 'Open trace',
            },
          ],
        },
      },
      {
        name: 'Tempo',
        type: 'tempo',
        uid: g.tempo.uid,
        url: g.tempo.url,
        access: 'proxy',
        editable: false,
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: g.loki.uid,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            tags: [{ key: SERVICE_NAME_ATTRIBUTE, value: serviceLabel }],
            filterByTraceID: true,
            filterBySpanID: false,
            customQuery: true,
            query: `{${macro('__tags')}} | ${LOG_FIELDS.traceId}="${macro('__trace.traceId')}"`,
          },
          tracesToMetrics: { datasourceUid: g.prometheus.uid },
          serviceMap: { datasourceUid: g.prometheus.uid },
          nodeGraph: { enabled: true },
          lokiSearch: { datasourceUid: g.loki.uid },
        },
      },
    ],
  }
}
