import type { AlertingRule, RecordingRule } from '../slo/generateSloRules.ts'
import { panelsOf, type QueryLanguage } from './dashboardSpec.ts'
import { allDashboards, sloRules } from './generateAll.ts'
import type { GenerateModel } from './generateModel.ts'
import { serviceAlertExpr, serviceAlertSpecs } from './serviceAlerts.ts'

/** One generated query and where it comes from. */
export interface InventoryEntry {
  /** Stable key: `dashboard:<uid>#<panel id>/<refId>`, `annotation:<uid>/<name>`, `rule:<group>/<record|alert>#<n>`, `signal:<alert>`. */
  readonly key: string
  readonly language: QueryLanguage
  /** Where it is shown: dashboard and panel title, or the rule. */
  readonly where: string
  readonly expr: string
  /** `signal` entries are the data half of an alert (the alert expression without its threshold). */
  readonly kind: 'panel' | 'annotation' | 'recording' | 'alert' | 'signal'
}

/**
 * Every query the generator emits — each dashboard panel target and annotation, each recording and alerting rule, and the
 * signal of each service alert — with a stable key. Docs and the end-to-end test read it.
 *
 * @example
 * queryInventory(model).filter((e) => e.language === 'promql').length
 */
export function queryInventory(model: GenerateModel): InventoryEntry[] {
  const out: InventoryEntry[] = []
  for (const d of allDashboards(model)) {
    for (const p of panelsOf(d)) {
      if (p.language === undefined) continue
      for (const q of p.queries) {
        out.push({
          key: `dashboard:${d.uid}#${p.id}/${q.refId}`,
          language: p.language,
          where: `${d.title} › ${p.title}`,
          expr: q.expr,
          kind: 'panel',
        })
      }
    }
    for (const a of d.annotations ?? []) {
      out.push({
        key: `annotation:${d.uid}/${a.name}`,
        language: a.language,
        where: `${d.title} › annotation ${a.name}`,
        expr: a.expr,
        kind: 'annotation',
      })
    }
  }
  for (const g of sloRules(model).groups) {
    g.rules.forEach((r, i) => {
      const alert = 'alert' in r
      out.push({
        key: `rule:${g.name}/${alert ? (r as AlertingRule).alert : (r as RecordingRule).record}#${i}`,
        language: 'promql',
        where: `rule group ${g.name}`,
        expr: r.expr,
        kind: alert ? 'alert' : 'recording',
      })
    })
  }
  for (const s of serviceAlertSpecs(model)) {
    out.push({
      key: `rule:service/${s.alert}`,
      language: 'promql',
      where: `alert ${s.alert}`,
      expr: serviceAlertExpr(s),
      kind: 'alert',
    })
    out.push({
      key: `signal:${s.alert}`,
      language: 'promql',
      where: `alert ${s.alert} (signal)`,
      expr: s.signal,
      kind: 'signal',
    })
  }
  return out
}
