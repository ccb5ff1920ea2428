import type { LifecycleRequest } from '../http/lifecycleRequest.ts'
import type { RequestObserver } from '../http/requestObserver.ts'
import type { Redactor } from '../redact/createRedactor.ts'
import { ContextStore, contextStorage } from './requestContext.ts'

/**
 * The request observer that opens the AsyncLocalStorage context: a store is created at `onStart` (request id and
 * tenant redacted once) and the rest of the request runs inside `als.run(store, next)`. Trace ids are read
 * lazily from the request, whichever order the tracing observer runs in.
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
      if (store instanceof ContextStore) contextStorage.run(store, next)
      else next()
    },
  }
}
