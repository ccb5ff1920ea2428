import type { ComponentStatus } from './conventions.ts'

/**
 * The public words of automatic incidents: titles and timeline entries written by the sampler and the SLO
 * hook. They name the component (its shown name) and what users experience — never hosts, errors or check
 * output.
 *
 * @example
 * INCIDENT_MESSAGES.title('Cache', 'outage') // 'Cache unavailable'
 */
export const INCIDENT_MESSAGES = Object.freeze({
  title(name: string, status: ComponentStatus): string {
    return status === 'outage' ? `${name} unavailable` : `${name} degraded`
  },
  opened(name: string, status: ComponentStatus): string {
    return status === 'outage'
      ? `Automated monitoring detected that ${name} is unavailable. We are investigating.`
      : `Automated monitoring detected that ${name} is degraded (slow or partly failing). We are investigating.`
  },
  alertOpened(name: string, status: ComponentStatus, alertname: string): string {
    return status === 'outage'
      ? `The alert ${alertname} reports that ${name} is unavailable. We are investigating.`
      : `The alert ${alertname} reports that ${name} is degraded. We are investigating.`
  },
  reopened(name: string, status: ComponentStatus): string {
    return `${name} is ${status === 'outage' ? 'unavailable' : 'degraded'} again; this incident has been reopened.`
  },
  worsened(name: string, status: ComponentStatus): string {
    return status === 'outage' ? `${name} is now unavailable.` : `${name} is now degraded.`
  },
  resolved(name: string, samples: number): string {
    return `${name} has been operating normally for ${samples} consecutive checks. This incident is resolved.`
  },
  note(name: string, status: ComponentStatus): string {
    return status === 'operational'
      ? `Automated monitoring shows ${name} operating normally again.`
      : `Automated monitoring detected that ${name} is ${status === 'outage' ? 'unavailable' : 'degraded'}.`
  },
  sloOpened(name: string): string {
    return `${name} is returning more errors or responding more slowly than its objective allows. We are investigating.`
  },
  sloTitle(name: string): string {
    return `Elevated errors on ${name}`
  },
  sloResolved(name: string): string {
    return `${name} is back within its objective. This incident is resolved.`
  },
})
