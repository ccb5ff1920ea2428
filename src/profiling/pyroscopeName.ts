/** What {@link pyroscopeName} puts in the application name. */
export interface PyroscopeNameInput {
  /** Becomes the application name, which Pyroscope stores as `service_name`. */
  readonly service: string
  readonly version: string
  readonly environment: string
  readonly instance?: string | undefined
  /** Extra static labels (validated by the config schema). */
  readonly tags?: Readonly<Record<string, string>>
}

/**
 * Builds the `name` query parameter of Pyroscope's `POST /ingest`: `<service>{environment=…,instance=…,version=…,
 * <tags>}` with label names sorted. Pyroscope takes `service_name` from the part before `{` (its pprof ingest
 * path adds `service_name = <app name>` itself), so `service_name` is never repeated inside the braces — a
 * duplicate label would be refused. Values lose the characters Pyroscope's parser splits on (`{`, `}`, `,`, `=`),
 * which become `_`; a value left empty is omitted. Pure.
 *
 * @example
 * pyroscopeName({ service: 'identity', version: '1.4.0', environment: 'prod', tags: { region: 'eu' } })
 * // → 'identity{environment=prod,region=eu,version=1.4.0}'
 */
export function pyroscopeName(input: PyroscopeNameInput): string {
  const labels: Record<string, string> = { ...input.tags }
  labels.environment = input.environment
  labels.version = input.version
  if (input.instance !== undefined) labels.instance = input.instance
  const parts: string[] = []
  for (const key of Object.keys(labels).sort()) {
    const value = cleanValue(labels[key]!)
    if (value !== '') parts.push(`${key}=${value}`)
  }
  return `${input.service}{${parts.join(',')}}`
}

function cleanValue(value: string): string {
  return value.replace(/[{},=]/g, '_').trim()
}
