import { BUILD_INFO_NAMES } from '../../metrics/conventions.ts'
import type { AnnotationSpec } from '../dashboardSpec.ts'
import type { GenerateModel } from '../generateModel.ts'
import { queryKit } from '../queryKit.ts'

/** How long after a deploy its marker stays shaded: the "right after a deploy" window. */
export const DEPLOY_WINDOW = '10m'

/**
 * The deploy annotation every generated dashboard carries: a build-info series (`lookout_build_info`, or
 * `target_info` under otel conventions) that did not exist {@link DEPLOY_WINDOW} earlier — a new version, a new
 * commit or a new instance — shaded for that window and titled with version and commit.
 *
 * @example
 * deployAnnotation(model).expr // max by (version, commit) (lookout_build_info{job="identity"} unless …)
 */
export function deployAnnotation(model: GenerateModel): AnnotationSpec {
  const names = BUILD_INFO_NAMES[model.config.metrics.conventions]
  const q = queryKit(model, false)
  const info = q.sel(names.metric)
  const { version, commit } = names.labels
  return {
    name: 'Deploys',
    description: `A new version, commit or instance of the service, shaded for ${DEPLOY_WINDOW} after it first reports.`,
    language: 'promql',
    expr: q.agg('max', [version, commit], `${info} unless ${info} offset ${DEPLOY_WINDOW}`),
    titleFormat: `Deploy {{${version}}}`,
    textFormat: `commit {{${commit}}}`,
    step: '1m',
    iconColor: 'purple',
  }
}
