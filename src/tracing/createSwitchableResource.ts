import type { Attributes } from '@opentelemetry/api'
import type { Resource } from '@opentelemetry/resources'

/** A {@link Resource} whose attributes can be replaced after the tracer provider holding it was built. */
export interface SwitchableResource extends Resource {
  /** Spans exported from now on carry `next`'s attributes, whenever they were started. */
  set(next: Resource): void
}

/**
 * A resource that delegates to a current one. `lookout/register` builds its provider before the app runs, from the
 * environment alone; the `service` (and version, environment) the app's code passes to Lookout arrive later, and
 * spans must carry them. Exporters read a span's resource when they serialise it, so switching here reaches every
 * span not yet exported.
 *
 * @example
 * const resource = createSwitchableResource(createResource(envConfig))
 * resource.set(createResource(instanceConfig))
 */
export function createSwitchableResource(initial: Resource): SwitchableResource {
  let current = initial
  return {
    get attributes(): Attributes {
      return current.attributes
    },
    get schemaUrl() {
      return current.schemaUrl
    },
    get asyncAttributesPending() {
      return current.asyncAttributesPending
    },
    waitForAsyncAttributes() {
      return current.waitForAsyncAttributes?.() ?? Promise.resolve()
    },
    merge(other) {
      return current.merge(other)
    },
    getRawAttributes() {
      return current.getRawAttributes()
    },
    set(next) {
      current = next
    },
  }
}
