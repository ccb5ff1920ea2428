/**
 * The status page's stylesheet and script, as constants: inlined into the page and allowed by exact hash in its
 * Content-Security-Policy (no external assets, no `unsafe-inline`). The script never uses `innerHTML`; every
 * value from the API goes through `textContent`.
 */

/** The page's stylesheet (light and dark via `prefers-color-scheme`; statuses carry icon + text + pattern). */
export const STATUS_PAGE_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#4d5661;--card:#f6f8fa;--line:#d0d7de;
--ok:#1a7f37;--warn:#8a5a00;--warnbar:#bf8700;--bad:#c62828;--maint:#0b5cad;--none:#8c959f;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9ea7b3;--card:#161b22;--line:#30363d;
--ok:#3fb950;--warn:#e3b341;--warnbar:#d29922;--bad:#ff7b72;--maint:#79c0ff;--none:#6e7681;--focus:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--focus)}
a:focus-visible,button:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.wrap{max-width:60rem;margin:0 auto;padding:1.25rem}
header h1{font-size:1.6rem;margin:.5rem 0 .25rem}
header p{margin:0;color:var(--muted)}
h2{font-size:1.2rem;margin:2rem 0 .75rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.banner{margin-top:1.25rem;padding:1rem 1.25rem;border-radius:.5rem;border:2px solid var(--line);background:var(--card)}
.banner p{margin:0}
.banner .summary{font-size:1.25rem;font-weight:600;display:flex;gap:.6rem;align-items:center}
.banner.s-operational{border-color:var(--ok)}.banner.s-degraded{border-color:var(--warnbar)}
.banner.s-outage{border-color:var(--bad)}.banner.s-maintenance{border-color:var(--maint)}
.meta{color:var(--muted);font-size:.875rem}
.stale{margin-top:1rem;padding:.75rem 1rem;border-radius:.5rem;border:2px dashed var(--warnbar);background:var(--card)}
.stale::before{content:"\\26A0\\FE0E  ";font-weight:700}
.icon{display:inline-flex;align-items:center;justify-content:center;width:1.4em;height:1.4em;border-radius:50%;
font-weight:700;font-size:.85em;line-height:1;color:var(--bg);background:var(--none);flex:none}
.s-operational .icon,.icon.s-operational{background:var(--ok)}.s-degraded .icon,.icon.s-degraded{background:var(--warnbar)}
.s-outage .icon,.icon.s-outage{background:var(--bad)}.s-maintenance .icon,.icon.s-maintenance{background:var(--maint)}
.badge{display:inline-flex;gap:.35rem;align-items:center;font-weight:600;white-space:nowrap}
.badge.s-operational{color:var(--ok)}.badge.s-degraded{color:var(--warn)}.badge.s-outage{color:var(--bad)}
.badge.s-maintenance{color:var(--maint)}.badge.s-nodata{color:var(--muted)}
.components{list-style:none;margin:0;padding:0;border:1px solid var(--line);border-radius:.5rem}
.component{padding:1rem 1.25rem;border-top:1px solid var(--line)}
.component:first-child{border-top:0}
.row{display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:baseline}
.component h3{margin:0}
.component .desc{margin:.1rem 0 0;color:var(--muted);font-size:.9rem}
.bars{display:flex;gap:2px;height:2.25rem;margin:.75rem 0 .25rem;align-items:stretch}
.bar{flex:1 1 0;min-width:2px;border-radius:2px;background:var(--ok)}
.bar.s-degraded{background:repeating-linear-gradient(135deg,var(--warnbar) 0 3px,transparent 3px 5px);border:1px solid var(--warnbar)}
.bar.s-outage{background:var(--bad);border-bottom:6px solid var(--fg)}
.bar.s-maintenance{background:repeating-linear-gradient(0deg,var(--maint) 0 2px,transparent 2px 4px);border:1px solid var(--maint)}
.bar.s-nodata{background:transparent;border:1px solid var(--none)}
.axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
.legend{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;list-style:none;padding:0;margin:.75rem 0 0;color:var(--muted);font-size:.85rem}
.legend li{display:flex;gap:.4rem;align-items:center}
.legend .bar{display:inline-block;width:.8rem;height:1.1rem;flex:none}
.incident{border:1px solid var(--line);border-left-width:6px;border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1rem;background:var(--card)}
.incident.impact-minor{border-left-color:var(--warnbar)}.incident.impact-major,.incident.impact-critical{border-left-color:var(--bad)}
.incident.resolved{border-left-color:var(--ok)}
.timeline{list-style:none;margin:.75rem 0 0;padding:0}
.timeline li{margin:.5rem 0 0;padding-left:.75rem;border-left:2px solid var(--line)}
.timeline strong{margin-right:.4rem}
.empty{color:var(--muted);margin:0}
footer{margin:2.5rem 0 1rem;color:var(--muted);font-size:.85rem}
@media (max-width:40rem){.wrap{padding:1rem}.bar:nth-child(-n+60){display:none}.axis .from90{display:none}.axis .from30{display:inline}}
@media (min-width:40.01rem){.axis .from30{display:none}}
`

/** Options baked into the page script. */
export interface StatusPageScriptOptions {
  readonly statusUrl: string
  readonly incidentsUrl: string
  readonly refreshMs: number
  readonly timeoutMs: number
}

/** The page script: renders the embedded data, then refetches every `refreshMs`, marking data stale on failure. */
export function statusPageScript(o: StatusPageScriptOptions): string {
  const cfg = JSON.stringify({
    statusUrl: o.statusUrl,
    incidentsUrl: o.incidentsUrl,
    refreshMs: o.refreshMs,
    timeoutMs: o.timeoutMs,
  })
  return `(function(){'use strict';
var CFG=${cfg};
var LABEL={operational:'Operational',degraded:'Degraded',outage:'Outage',maintenance:'Maintenance',nodata:'No data',unknown:'Unknown'};
var ICON={operational:'\\u2713',degraded:'!',outage:'\\u2715',maintenance:'i',nodata:'?',unknown:'?'};
var INC={investigating:'Investigating',identified:'Identified',monitoring:'Monitoring',resolved:'Resolved'};
var lastOk=0,busy=false,names={};
function $(id){return document.getElementById(id)}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=String(text);return e}
function when(iso){var d=new Date(iso);var t=el('time',null,isNaN(d)?iso:d.toLocaleString(undefined,{dateStyle:'medium',timeStyle:'short'}));t.dateTime=iso;return t}
function clock(ms){return new Date(ms).toLocaleTimeString(undefined,{hour:'2-digit',minute:'2-digit',second:'2-digit'})}
function badge(s){var b=el('span','badge s-'+s);var i=el('span','icon',ICON[s]||'?');i.setAttribute('aria-hidden','true');b.append(i,el('span',null,LABEL[s]||s));return b}
function plural(n,w){return n+' '+w+(n===1?'':'s')}
function bars(days){
var box=el('div','bars');box.setAttribute('role','img');
var c={operational:0,degraded:0,outage:0,maintenance:0,nodata:0};
days.forEach(function(d){c[d.status]=(c[d.status]||0)+1;var b=el('span','bar s-'+d.status);
b.title=d.date+': '+(LABEL[d.status]||d.status)+(d.uptime==null?'':', '+d.uptime+'% uptime');box.append(b)});
box.setAttribute('aria-label',days.length+'-day history: '+[plural(c.operational,'day')+' operational',plural(c.degraded,'day')+' degraded',plural(c.outage,'day')+' with an outage',plural(c.maintenance,'day')+' of maintenance only',plural(c.nodata,'day')+' without data'].join(', '));
return box}
function renderStatus(d){
var banner=$('overall');banner.className='banner s-'+d.status;
var sum=$('summary');sum.textContent='';var i=el('span','icon',ICON[d.status]||'?');i.setAttribute('aria-hidden','true');
sum.append(i,el('span',null,d.summary));
var up=$('updated');up.textContent='';up.append(when(d.updatedAt));
var list=$('components');list.textContent='';names={};
if(!d.components.length)list.append(el('li','component empty','No components are monitored yet.'));
d.components.forEach(function(c){names[c.id]=c.name;
var li=el('li','component');li.dataset.component=c.id;var row=el('div','row');var h=el('div');h.append(el('h3',null,c.name));
if(c.description)h.append(el('p','desc',c.description));row.append(h,badge(c.status));li.append(row,bars(c.days));
var ax=el('div','axis');ax.append(el('span','from90','90 days ago'),el('span','from30','30 days ago'),
el('span',null,c.uptime30d==null?'No uptime data yet':c.uptime30d+'% uptime (30 days)'),el('span',null,'Today'));li.append(ax);list.append(li)});
var ms=$('maintenance');ms.textContent='';$('maint-section').hidden=!d.maintenance.length;
d.maintenance.forEach(function(w){var a=el('article','incident');a.append(el('h3',null,w.title));
var p=el('p','meta');p.append((w.active?'In progress \\u00b7 ends ':'Scheduled \\u00b7 starts '),when(w.active?w.endsAt:w.startsAt));
a.append(p);if(w.description)a.append(el('p',null,w.description));
a.append(el('p','meta','Affects: '+(w.components.length?w.components.map(function(x){return names[x]||x}).join(', '):'all components')));ms.append(a)})}
function incident(x){
var a=el('article','incident impact-'+x.impact+(x.resolvedAt?' resolved':''));a.dataset.incident=String(x.id);a.append(el('h3',null,x.title));
var m=el('p','meta');m.append('Status: '+(INC[x.status]||x.status)+' \\u00b7 Impact: '+x.impact+' \\u00b7 Affects: '+(x.components.map(function(c){return c.name}).join(', ')||'\\u2014')+' \\u00b7 Started ',when(x.startedAt));
if(x.resolvedAt){m.append(' \\u00b7 Resolved ',when(x.resolvedAt))}a.append(m);
var ol=el('ol','timeline');x.updates.forEach(function(u){var li=el('li');li.append(el('strong',null,INC[u.status]||u.status),el('span',null,u.message+' '),el('span','meta',''));li.lastChild.append(when(u.at));ol.append(li)});
a.append(ol);return a}
function renderIncidents(d){
var act=$('active');act.textContent='';if(!d.open.length)act.append(el('p','empty','No incidents right now.'));d.open.forEach(function(x){act.append(incident(x))});
var rec=$('recent');rec.textContent='';if(!d.recent.length)rec.append(el('p','empty','No incidents in the last days.'));d.recent.forEach(function(x){rec.append(incident(x))})}
function setStale(on){var n=$('stale');
if(!on){n.hidden=true;n.textContent='';document.body.classList.remove('is-stale');return}
n.textContent=lastOk?'This page shows data from '+clock(lastOk)+': the latest update could not be loaded. Retrying every '+Math.round(CFG.refreshMs/1000)+' s.':'The current status could not be loaded. Retrying every '+Math.round(CFG.refreshMs/1000)+' s.';
n.hidden=false;document.body.classList.add('is-stale')}
function get(url,signal){return fetch(url,{signal:signal,cache:'no-cache',credentials:'omit',headers:{accept:'application/json'}}).then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json()})}
function refresh(){if(busy)return;busy=true;var ctl=new AbortController();var t=setTimeout(function(){ctl.abort();setStale(true)},CFG.timeoutMs);
Promise.all([get(CFG.statusUrl,ctl.signal),get(CFG.incidentsUrl,ctl.signal)]).then(function(r){renderStatus(r[0]);renderIncidents(r[1]);lastOk=Date.now();setStale(false)},function(){setStale(true)}).then(function(){clearTimeout(t);busy=false})}
try{var init=JSON.parse($('initial-data').textContent||'{}');if(init.status){renderStatus(init.status);lastOk=Date.parse(init.status.updatedAt)||Date.now()}if(init.incidents)renderIncidents(init.incidents)}catch(e){}
refresh();setInterval(refresh,CFG.refreshMs);
document.addEventListener('visibilitychange',function(){if(!document.hidden)refresh()});
})();`
}
