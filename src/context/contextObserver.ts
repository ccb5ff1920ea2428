import { type Context, context, ROOT_CONTEXT } from '@opentelemetry/api'
import type { LifecycleRequest } from '../http/lifecycleRequest.ts'
import type { RequestObserver } from '../http/requestObserver.ts'
import type { Redactor } from '../redact/createRedactor.ts'
import { lookoutContextManager } from './lookoutContextManager.ts'
import { ContextStore, contextStorage } from './requestContext.ts'

/**
 * The request observer that opens the AsyncLocalStorage context: a store is created at `onStart` (request id and
 * tenant redacted once) and the rest of the request runs inside `als.run(store, next)`. Trace ids are read
 * lazily from the request, whichever order the tracing observer runs in.
 *
 * The same entry carries the request's OpenTelemetry context (`req.otelContext`, its server span) when Lookout's
 * context manager is OpenTelemetry's: one AsyncLocalStorage entry per request serves both. When an app
 * registered its own manager first, the OpenTelemetry context is entered through it as well.
 *
 * @example
 * lookout.core.addObserver(createContextObserver(redactor))
 */
export function createContextObserver(redactor: Redactor): RequestObserver {
  const redact = (value: unknown) => redactor.redact(value)
  return {
    name: 'context',
    onStart(req: LifecycleRequest) {
      req.context = new ContextStore(
        req,
        req.requestIdGenerated ? req.requestId : redactor.redactString(req.requestId),
        req.tenant === undefined ? undefined : redactor.redactString(req.tenant),
        redact,
      )
    },
    wrap(req: LifecycleRequest, next: () => void) {
      const store = req.context
      if (!(store instanceof ContextStore)) {
        next()
        return
      }
      // Read here, after every observer's onStart: tracing may start its span after this store was made.
      const otel = (req.otelContext as Context | undefined) ?? ROOT_CONTEXT
      store.otel = otel
      if (otel === ROOT_CONTEXT || lookoutContextManager.enabled) contextStorage.run(store, next)
      else contextStorage.run(store, () => context.with(otel, next))
    },
  }
}
