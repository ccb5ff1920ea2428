import { register as registerLoaderThread } from 'node:module'
import { register as registerInThreadHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs'

/**
 * Registers import-in-the-middle's ESM hook for `include` only, so ESM apps' drivers are patched as CommonJS ones
 * are. In-thread hooks (`module.registerHooks`) where Node runs them correctly (22.22.3+, 24.11.1+, 26): Node 26
 * deprecates `module.register()` (DEP0205) and the loader thread costs a round-trip per resolved module. Older Node
 * gets the loader thread; Node without either keeps CommonJS instrumentation only.
 */
export function registerEsmHook(include: readonly string[]): 'in-thread' | 'loader-thread' | 'none' {
  try {
    if (supportsSyncHooks()) {
      registerInThreadHooks({ include: [...include] })
      return 'in-thread'
    }
    if (typeof registerLoaderThread === 'function') {
      registerLoaderThread('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
        data: { include: [...include] },
      })
      return 'loader-thread'
    }
  } catch {
    // A hook Node refuses leaves CommonJS instrumentation working; tracing must not stop the app's start.
  }
  return 'none'
}
