const fill = (u: string, n: number) => u.repeat(Math.ceil(n / u.length)).slice(0, n)
import { redactUrlUserinfo } from '../src/redact/redactUrlUserinfo.ts'
import { redactKeyValues } from '../src/redact/redactKeyValues.ts'
import { redactEmails } from '../src/redact/redactEmails.ts'
import { createKeyMatcher, createRedactor } from '../src/redact/index.ts'
const k = createKeyMatcher([])
const r = createRedactor()
const mix = fill('GET /api/v1/orders/12345/items?page=2&sort=name&q=blue+shoes ua=Mozilla/5.0 (X11; Linux x86_64) status=200 at 2026-12-06T03:52:20Z ', 4096)
const s = fill('ab://x@', 4096)
const u = redactUrlUserinfo(s)
function t(name: string, f: () => unknown) { for (let i=0;i<200;i++) f(); const t0=process.cpuUsage(); let it=0; while (it < 4000){f();it++}; const x=process.cpuUsage(t0); console.log(name.padEnd(12), ((x.user+x.system)/it).toFixed(1),'us') }
t('mix total', () => r.redactString(mix))
t('s total', () => r.redactString(s))
t('s userinfo', () => redactUrlUserinfo(s))
t('u kv', () => redactKeyValues(u, k))
t('u email', () => redactEmails(u, false))
t('u flat', () => redactUrlUserinfo(s).charCodeAt(5))
t('s aws', () => /A[SKGIRNBC][A-Z]{2}[A-Z0-9]{16}/.test(s))
t('s digits', () => /\d{2}(?:[ ().+-]{0,2}\d){5}/.test(s))
t('s special', () => /[@:=%]/.test(s))
t('s bearer', () => /[Bb](?:earer|EARER|asic|ASIC)/.test(s))
