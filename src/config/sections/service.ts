import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'

/** Identity of the service: used in metrics, logs, span resources and generated dashboards. */
export const serviceFields = {
  /** Service name. Default `app`. Env `LOOKOUT_SERVICE_NAME`, then `OTEL_SERVICE_NAME`. */
  service: z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$/,
      'a name of letters, digits, "_", "." or "-" starting with a letter',
    )
    .default('app'),
  /** Service version. Default `0.0.0`. Env `LOOKOUT_SERVICE_VERSION`. */
  version: z.string().min(1).max(64).default('0.0.0'),
  /** Source revision the build came from (a commit hash or tag), shown on deploy markers. Env `LOOKOUT_COMMIT`. */
  commit: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/,
      'a commit hash or tag: letters, digits, ".", "_", "/" or "-"',
    )
    .optional(),
  /** Deployment environment. Default `development`. Env `LOOKOUT_ENVIRONMENT`, then `NODE_ENV`. */
  environment: z.string().min(1).max(64).default('development'),
  /** Instance name (host / pod). Default: the host name. Env `LOOKOUT_INSTANCE`, then `HOSTNAME`. */
  instance: z.string().min(1).max(253).optional(),
}

export const serviceEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_SERVICE_NAME', path: 'service', parse: 'string' },
  { env: 'OTEL_SERVICE_NAME', path: 'service', parse: 'string' },
  { env: 'LOOKOUT_SERVICE_VERSION', path: 'version', parse: 'string' },
  { env: 'LOOKOUT_COMMIT', path: 'commit', parse: 'string' },
  { env: 'LOOKOUT_ENVIRONMENT', path: 'environment', parse: 'string' },
  { env: 'NODE_ENV', path: 'environment', parse: 'string' },
  { env: 'LOOKOUT_INSTANCE', path: 'instance', parse: 'string' },
  { env: 'HOSTNAME', path: 'instance', parse: 'string' },
]
