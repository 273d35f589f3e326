// The panel talks only to relative URLs (api/…), so it works under the ingress prefix and standalone alike.

const $ = (id) => document.getElementById(id);
let conversationId = null;

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { 'content-type': 'application/json', ...(options.headers || {}) } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

function text(el, value) {
  el.textContent = value;
  return el;
}
function el(tag, cls, value) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (value !== undefined) text(e, value);
  return e;
}

function say(who, message) {
  const row = el('div', `msg ${who}`);
  row.appendChild(el('span', '', message));
  $('chat').appendChild(row);
  $('chat').scrollTop = $('chat').scrollHeight;
}

async function refreshHealth() {
  try {
    const h = await api('api/health');
    const bad = Object.entries(h.components)
      .filter(([, c]) => !c.ok)
      .map(([n]) => n);
    const pill = $('health');
    pill.className = `pill ${h.status}`;
    text(pill, bad.length ? `${h.status}: ${bad.join(', ')}` : h.status);
    pill.title = Object.entries(h.components)
      .map(([n, c]) => `${n}: ${c.detail}`)
      .join('\n');
  } catch (err) {
    text($('health'), String(err.message));
  }
}

async function refreshMode() {
  const m = await api('api/mode');
  $('mode').value = m.mode;
  $('privacy').checked = m.privacy;
}

async function refreshConfirmations() {
  const { confirmations } = await api('api/confirmations?status=pending');
  text($('pending-count'), String(confirmations.length));
  const list = $('confirmations');
  list.replaceChildren();
  for (const c of confirmations) {
    const li = el('li');
    li.appendChild(el('code', '', `${c.action_type} ${JSON.stringify(c.params)}`));
    li.appendChild(el('div', '', c.reason));
    for (const [label, decision] of [
      ['Approve', 'approve'],
      ['Deny', 'deny'],
    ]) {
      const b = el('button', '', label);
      b.onclick = async () => {
        try {
          await api(`api/confirmations/${c.id}/${decision}`, { method: 'POST', body: '{}' });
        } catch (err) {
          alert(err.message);
        }
        refreshConfirmations();
        refreshTimeline();
      };
      li.appendChild(b);
    }
    list.appendChild(li);
  }
}

async function refreshTimeline() {
  const { timeline } = await api('api/timeline?limit=30');
  const list = $('timeline');
  list.replaceChildren();
  for (const entry of timeline) {
    const li = el('li');
    const when = new Date((entry.event?.ts || entry.plans[0].plan.created_ts) * 1000).toLocaleTimeString();
    li.appendChild(el('strong', '', `${when} `));
    if (entry.event) li.appendChild(el('span', '', `${entry.event.type} from ${entry.event.source}`));
    for (const { plan, results } of entry.plans) {
      const p = el('div', '', `→ plan (${plan.policy}) ${plan.reason}`);
      for (const r of results) p.appendChild(el('div', `status-${r.status}`, `   ${r.action_type}: ${r.status}`));
      li.appendChild(p);
    }
    list.appendChild(li);
  }
}

$('chat-form').onsubmit = async (ev) => {
  ev.preventDefault();
  const input = $('chat-input');
  const message = input.value.trim();
  if (!message) return;
  input.value = '';
  say('me', message);
  try {
    const r = await api('api/command', {
      method: 'POST',
      body: JSON.stringify({ text: message, ...(conversationId ? { conversation_id: conversationId } : {}) }),
    });
    conversationId = r.conversation_id;
    say('butler', r.reply);
  } catch (err) {
    say('butler', `Error: ${err.message}`);
  }
  refreshConfirmations();
  refreshTimeline();
};

$('mode').onchange = () =>
  api('api/mode', { method: 'PUT', body: JSON.stringify({ mode: $('mode').value }) }).then(refreshTimeline, (e) => alert(e.message));
$('privacy').onchange = async () => {
  const r = await api('api/mode', { method: 'PUT', body: JSON.stringify({ privacy: $('privacy').checked }) }).catch((e) =>
    alert(e.message),
  );
  if (r?.results.some((x) => x.status === 'pending_confirmation')) refreshConfirmations();
  refreshMode();
  refreshTimeline();
};

function connectStream() {
  const url = new URL('api/stream', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  let timer = null;
  ws.onmessage = (m) => {
    const { kind } = JSON.parse(m.data);
    if (kind === 'mode') refreshMode();
    if (kind === 'confirmation') refreshConfirmations();
    clearTimeout(timer);
    timer = setTimeout(refreshTimeline, 300);
  };
  ws.onclose = () => setTimeout(connectStream, 2000);
}

refreshHealth();
refreshMode();
refreshConfirmations();
refreshTimeline();
connectStream();
setInterval(refreshHealth, 10000);
