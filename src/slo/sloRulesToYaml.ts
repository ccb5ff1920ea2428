import { lazyRequire } from '../util/lazyRequire.ts'
import type { SloRules } from './generateSloRules.ts'

// Loaded when rules are rendered, not when Lookout is imported (see lazyRequire).
const yaml = lazyRequire<typeof import('yaml')>('yaml')

/**
 * Serialises generated rules as a Prometheus rule file (`groups:` only; warnings are not written).
 * Multi-line expressions are written as block literals; output is deterministic.
 *
 * @example
 * writeFileSync('deploy/generated/slo-rules.yaml', sloRulesToYaml(generateSloRules(model, options)))
 */
export function sloRulesToYaml(rules: SloRules): string {
  return yaml().stringify({ groups: rules.groups }, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false })
}
