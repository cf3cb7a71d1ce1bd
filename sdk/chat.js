/*! Patron live chat widget (chat.js) — zero dependencies. AGPL-3.0 */
(function (w, d) {
  'use strict';
  if (w.PatronChat && w.PatronChat.loaded) return;
  var script = d.currentScript;
  var opts = w.patronChatSettings || {};
  var host = (opts.host || (script && script.src ? new URL(script.src).origin : location.origin)).replace(/\/+$/, '');
  var KEY = 'patron_chat';
  var state = load();
  var cfg = null, ws = null, root = null, els = {}, open = false, retry = 0, timer = null, typingTimer = null, typingSent = 0;
  var seen = {}, pending = state.pending || [], mode = null, online = false, askedHuman = false, agentTyping = null;

  function load() { try { return JSON.parse(w.localStorage.getItem(KEY) || '{}') || {}; } catch { return {}; } }
  function save() { state.pending = pending.slice(-20); try { w.localStorage.setItem(KEY, JSON.stringify(state)); } catch { /* private mode */ } }
  function id() { return (w.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/[^\w-]/g, ''); }
  function cookie(k) { var m = d.cookie.match(new RegExp('(?:^|; )' + k + '=([^;]*)')); return m ? decodeURIComponent(m[1]) : null; }
  function ls(k) { try { return w.localStorage.getItem(k); } catch { return null; } }
  // The tracking snippet's ids (patron.js), when it runs on the page: claims the server keeps, never trusts.
  function tracked() {
    var u = w.patron && typeof w.patron.user === 'function' ? w.patron.user() : {};
    return { anonymousId: u.anonymousId || cookie('patron_aid') || ls('patron_aid') || undefined, userId: u.userId || ls('patron_uid') || undefined };
  }
  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function initials(name) { return String(name || '?').split(/\s+/).map(function (p) { return p.charAt(0); }).join('').slice(0, 2).toUpperCase(); }

  var CSS = ':host{all:initial;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328}'
    + '[hidden]{display:none!important}*{box-sizing:border-box}button,input,textarea{font:inherit}'
    + '.l{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}'
    + '.l:focus-visible,.b:focus-visible,button:focus-visible,a:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}'
    + '.p{position:fixed;right:20px;bottom:88px;width:370px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000}'
    + '.h{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;gap:10px}.h h2{font-size:16px;margin:0;flex:1}.h small{display:block;font-size:12px;opacity:.9}'
    + '.x{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1;padding:4px 8px;border-radius:6px}'
    + '.m{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}'
    + '.r{display:flex;gap:8px;align-items:flex-end;max-width:88%}.r.v{align-self:flex-end;flex-direction:row-reverse}.r.s{align-self:center;max-width:95%}'
    + '.a{flex:none;width:28px;height:28px;border-radius:50%;background:#6e7781;color:#fff;font-size:11px;font-weight:600;display:flex;align-items:center;justify-content:center}'
    + '.t{padding:8px 12px;border-radius:14px;background:#fff;border:1px solid #d0d7de;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}'
    + '.v .t{background:var(--c);color:#fff;border-color:transparent}.s .t{background:transparent;border:0;color:#57606a;font-size:12.5px;text-align:center;padding:2px}'
    + '.n{font-size:11.5px;color:#57606a;margin:0 0 2px}.src{margin-top:6px;font-size:12.5px}.src a{color:inherit}.pend .t{opacity:.6}'
    + '.sg{padding:10px 14px;border-top:1px solid #eaeef2;background:#fff}.sg h3{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#57606a;margin:0 0 6px}.sg ul{margin:0;padding:0;list-style:none}.sg li{margin:3px 0}.sg a{color:var(--c)}'
    + '.ty{font-size:12px;color:#57606a;padding:0 14px 4px;min-height:18px;background:#f6f8fa}'
    + '.f{display:flex;gap:8px;padding:10px;border-top:1px solid #eaeef2;align-items:flex-end}.f textarea{flex:1;resize:none;border:1px solid #d0d7de;border-radius:10px;padding:8px 10px;max-height:120px;min-height:40px}'
    + '.b{border:0;border-radius:10px;background:var(--c);color:#fff;padding:9px 14px;cursor:pointer;font-weight:600}.b2{background:transparent;color:var(--c);border:1px solid currentColor}'
    + '.hu{padding:0 10px 10px;display:flex;justify-content:space-between;align-items:center;font-size:12px;color:#57606a}'
    + '.o{padding:12px;border-top:1px solid #eaeef2;display:flex;flex-direction:column;gap:8px}.o label{font-size:12.5px;font-weight:600}.o input,.o textarea{border:1px solid #d0d7de;border-radius:8px;padding:8px}'
    + '.seen{font-size:11px;color:#57606a;text-align:right;margin-top:2px}.e{color:#cf222e;font-size:12.5px;padding:0 12px}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}'
    + '@media (max-width:480px){.p{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}.l{right:14px;bottom:14px}}';

  var BOT = '<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><rect x="4" y="8" width="16" height="12" rx="3"/><path d="M12 4v4M9 14h.01M15 14h.01"/></svg>';

  function build() {
    var hostEl = el('div', { id: 'patron-chat' });
    root = hostEl.attachShadow ? hostEl.attachShadow({ mode: 'open' }) : hostEl;
    hostEl.style.setProperty('--c', cfg.color);
    var style = el('style', null, CSS);
    var launcher = el('button', { class: 'l', type: 'button', 'aria-label': 'Open chat: ' + cfg.title, 'aria-expanded': 'false', 'aria-controls': 'pc-panel' });
    launcher.innerHTML = '<svg width="26" height="26" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    var panel = el('section', { class: 'p', id: 'pc-panel', role: 'dialog', 'aria-label': cfg.title, hidden: '' });
    var head = el('header', { class: 'h' });
    var h2 = el('h2', null, cfg.title);
    var sub = el('small');
    h2.appendChild(sub);
    var close = el('button', { class: 'x', type: 'button', 'aria-label': 'Close chat' }, '×');
    head.appendChild(h2);
    head.appendChild(close);
    var log = el('div', { class: 'm', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
    var typing = el('div', { class: 'ty', 'aria-live': 'polite' });
    var sugg = el('nav', { class: 'sg', 'aria-label': 'Suggested articles', hidden: '' });
    var form = el('form', { class: 'f' });
    var lab = el('label', { class: 'sr', for: 'pc-in' }, 'Your message');
    var input = el('textarea', { id: 'pc-in', rows: '1', maxlength: '4000', placeholder: 'Write a message…' });
    var send = el('button', { class: 'b', type: 'submit' }, 'Send');
    form.appendChild(lab); form.appendChild(input); form.appendChild(send);
    var hu = el('div', { class: 'hu' });
    var human = el('button', { class: 'b b2', type: 'button' }, 'Talk to a person');
    var status = el('span', { class: 'st' });
    hu.appendChild(status); hu.appendChild(human);
    var err = el('div', { class: 'e', role: 'alert' });
    var off = buildOffline();
    var tr = buildTranscript();
    [head, log, typing, sugg, err, form, hu, tr, off].forEach(function (x) { panel.appendChild(x); });
    root.appendChild(style); root.appendChild(launcher); root.appendChild(panel);
    d.body.appendChild(hostEl);
    els = { launcher: launcher, panel: panel, log: log, typing: typing, sugg: sugg, form: form, input: input, human: human, status: status, sub: sub, err: err, off: off, hu: hu, tr: tr };

    launcher.addEventListener('click', function () { toggle(!open); });
    close.addEventListener('click', function () { toggle(false); });
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') toggle(false); });
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); submit(); } });
    input.addEventListener('input', onType);
    human.addEventListener('click', function () { askedHuman = true; connect(); sendFrame({ type: 'handover', clientId: id() }); });
    if (!state.chatId && cfg.greeting) { var g = bubble('system', null, cfg.greeting); g.setAttribute('data-g', '1'); log.appendChild(g); }
    render();
  }

  function buildOffline() {
    var f = el('form', { class: 'o', hidden: '' });
    var p = el('p', { style: 'margin:0' }, cfg.offlineMessage);
    var l1 = el('label', { for: 'pc-em' }, 'Your email');
    var em = el('input', { id: 'pc-em', type: 'email', required: '', autocomplete: 'email', maxlength: '254' });
    var l2 = el('label', { for: 'pc-om' }, 'Message');
    var msg = el('textarea', { id: 'pc-om', rows: '3', required: '', maxlength: '4000' });
    var b = el('button', { class: 'b', type: 'submit' }, 'Send by email');
    [p, l1, em, l2, msg, b].forEach(function (x) { f.appendChild(x); });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!em.value || !msg.value.trim()) return;
      var c = id();
      queue({ type: 'offline', clientId: c, email: em.value.trim(), text: msg.value.trim() }, msg.value.trim());
      msg.value = '';
      f.hidden = true;
    });
    f.em = em;
    return f;
  }

  // "Email me this chat": the address the visitor gave (or the store verified), else one typed here.
  function buildTranscript() {
    var f = el('form', { class: 'hu', hidden: '' });
    var em = el('input', { type: 'email', 'aria-label': 'Email for the transcript', placeholder: 'you@example.com', maxlength: '254', hidden: '', style: 'flex:1;margin-right:8px;border:1px solid #d0d7de;border-radius:8px;padding:6px' });
    var b = el('button', { class: 'b b2', type: 'submit' }, 'Email me this chat');
    f.appendChild(em); f.appendChild(b);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var addr = em.value.trim() || state.email || opts.email;
      if (!addr) { em.hidden = false; em.focus(); return; }
      sendFrame({ type: 'transcript', email: addr });
      em.hidden = true;
    });
    return f;
  }

  function toggle(v) {
    open = v;
    els.panel.hidden = !v;
    els.launcher.setAttribute('aria-expanded', String(v));
    els.launcher.setAttribute('aria-label', (v ? 'Close chat: ' : 'Open chat: ') + cfg.title);
    if (v) {
      connect();
      suggest();
      setTimeout(function () { (els.off.hidden ? els.input : els.off.em).focus(); }, 0);
      markRead();
    } else els.launcher.focus();
  }

  function render() {
    var offline = !online && mode !== 'human' && mode !== 'offline';
    els.sub.textContent = mode === 'offline' ? 'We will answer by email' : online ? 'We are online' : 'We are away';
    els.off.hidden = !(offline && (askedHuman || !cfg.assistant) && mode !== 'offline');
    els.form.hidden = !els.off.hidden;
    els.hu.hidden = mode === 'human' || mode === 'offline';
    els.tr.hidden = !els.hu.hidden;
    els.human.hidden = askedHuman && offline;
    els.status.textContent = mode === 'human' ? '' : cfg.assistant ? 'Our assistant answers first' : '';
    if (els.off.em && !els.off.em.value && (opts.email || state.email)) els.off.em.value = opts.email || state.email;
  }

  function addMessage(m) {
    if (seen[m.id]) return;
    seen[m.id] = 1;
    if (m.clientId) { var p = els.log.querySelector('[data-c="' + m.clientId + '"]'); if (p) p.remove(); }
    if (m.seq > (state.seq || 0)) state.seq = m.seq;
    if (m.kind === 'greeting') { var g = els.log.querySelector('[data-g]'); if (g) g.remove(); }
    // In the server's order (a catch-up can bring earlier messages late); unsent ones stay last.
    var row = bubble(m.author, m.authorName, m.text, m.sources, null), next = null, kids = els.log.children;
    row.setAttribute('data-s', m.seq);
    for (var i = 0; i < kids.length && !next; i++) if (kids[i].hasAttribute('data-c') || +kids[i].getAttribute('data-s') > m.seq) next = kids[i];
    els.log.insertBefore(row, next);
    if (m.author !== 'visitor') els.sugg.hidden = true;
    if (m.kind === 'offline-form') { askedHuman = true; render(); }
    if (m.author === 'agent' && agentTyping) showTyping(null);
    scroll();
    markRead();
  }

  function bubble(author, name, text, sources, clientId) {
    var cls = author === 'visitor' ? 'v' : author === 'system' ? 's' : 'g';
    var row = el('div', { class: 'r ' + cls + (clientId ? ' pend' : '') });
    if (clientId) row.setAttribute('data-c', clientId);
    if (cls === 'g') {
      var av = el('span', { class: 'a', 'aria-hidden': 'true' }, author === 'assistant' ? null : initials(name));
      if (author === 'assistant') av.innerHTML = BOT;
      row.appendChild(av);
    }
    var box = el('div');
    if (cls === 'g') box.appendChild(el('p', { class: 'n' }, author === 'assistant' ? 'Assistant' : name || 'Support'));
    var t = el('div', { class: 't' }, text);
    if (sources && sources.length) {
      var s = el('div', { class: 'src' }, 'Source: ');
      sources.forEach(function (x, i) {
        if (i) s.appendChild(d.createTextNode(', '));
        if (x.url && /^https?:/.test(x.url)) s.appendChild(el('a', { href: x.url, target: '_blank', rel: 'noopener' }, x.title));
        else s.appendChild(d.createTextNode(x.title));
      });
      t.appendChild(s);
    }
    box.appendChild(t);
    row.appendChild(box);
    return row;
  }

  function scroll() { els.log.scrollTop = els.log.scrollHeight; }

  function showTyping(name) {
    agentTyping = name;
    els.typing.textContent = name ? name + ' is typing…' : '';
  }

  function suggest() {
    if (state.chatId || els.sugg.dataset.done) return;
    els.sugg.dataset.done = '1';
    var q = '?limit=3&url=' + encodeURIComponent(location.href.slice(0, 1000)) + '&title=' + encodeURIComponent(d.title.slice(0, 200));
    fetch(host + '/api/public/support/kb/suggest' + q).then(function (r) { return r.ok ? r.json() : { items: [] }; }).then(function (r) {
      if (!r.items || !r.items.length || state.chatId) return;
      var ul = el('ul');
      r.items.forEach(function (a) {
        var li = el('li');
        if (a.url && /^https?:/.test(a.url)) li.appendChild(el('a', { href: a.url, target: '_blank', rel: 'noopener' }, a.title));
        else li.textContent = a.title;
        ul.appendChild(li);
      });
      els.sugg.appendChild(el('h3', null, 'Suggested articles'));
      els.sugg.appendChild(ul);
      els.sugg.hidden = false;
    }).catch(function () { /* suggestions are a bonus */ });
  }

  function submit() {
    var text = els.input.value.trim();
    if (!text) return;
    if (text.length > 4000) { els.err.textContent = 'Messages can be at most 4000 characters.'; return; }
    els.input.value = '';
    queue({ type: 'message', clientId: id(), text: text }, text);
    sendTyping(false);
  }

  // Every message waits in `pending` (kept across page loads) until the server acknowledges its clientId.
  function queue(frame, text) {
    pending.push(frame);
    save();
    els.log.appendChild(bubble('visitor', null, text, null, frame.clientId));
    scroll();
    els.err.textContent = '';
    if (!sendFrame(frame)) connect();
  }

  function onType() {
    var now = Date.now();
    if (now - typingSent > 2500) { typingSent = now; sendFrame({ type: 'typing', state: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { sendTyping(false); }, 3000);
  }
  function sendTyping(v) { clearTimeout(typingTimer); if (!v) { typingSent = 0; sendFrame({ type: 'typing', state: false }); } }

  function markRead() { if (open && state.seq && state.chatId) sendFrame({ type: 'read', seq: state.seq }); }

  function sendFrame(f) {
    if (!ws || ws.readyState !== 1 || !ws.ready) return false;
    ws.send(JSON.stringify(f));
    return true;
  }

  function connect() {
    if (ws && ws.readyState <= 1) return;
    clearTimeout(timer);
    ws = new WebSocket(host.replace(/^http/, 'ws') + '/chat/ws');
    ws.onopen = function () {
      var t = tracked();
      var hello = { type: 'hello', anonymousId: t.anonymousId, userId: t.userId, page: { url: location.href.slice(0, 2000), title: d.title.slice(0, 300) } };
      if (state.token) { hello.token = state.token; if (state.chatId) { hello.conversationId = state.chatId; hello.afterSeq = 0; } }
      if (opts.email) { hello.email = opts.email; hello.hash = opts.hash; }
      if (opts.name) hello.name = opts.name;
      this.send(JSON.stringify(hello));
    };
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch { return; }
      on(m, this);
    };
    ws.onclose = function (e) {
      if (this !== ws) return;
      ws = null;
      if (e.code === 4404) return;
      if (e.code === 4403) { state = {}; save(); }
      // Back off 1, 2, 4 … 30 s; resume sends the messages missed meanwhile.
      timer = setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, retry++)));
    };
  }

  function on(m, sock) {
    if (m.type === 'welcome') {
      sock.ready = true;
      retry = 0;
      state.token = m.token;
      if (m.chatId) state.chatId = m.chatId; else delete state.chatId;
      if (m.email) state.email = m.email;
      mode = m.mode; online = m.online;
      save();
      (m.messages || []).forEach(addMessage);
      pending.forEach(function (f) { sock.send(JSON.stringify(f)); });
      render();
    } else if (m.type === 'ack') {
      pending = pending.filter(function (f) { return f.clientId !== m.clientId; });
      if (m.chatId) state.chatId = m.chatId;
      if (m.message) addMessage(m.message);
      save();
    } else if (m.type === 'message') {
      addMessage(m.message);
    } else if (m.type === 'status') {
      if (m.mode) mode = m.mode;
      if (m.online != null) online = m.online;
      if (m.chatId) { state.chatId = m.chatId; save(); }
      render();
    } else if (m.type === 'read') {
      var mine = els.log.querySelectorAll('.r.v[data-s]'), last = null;
      for (var i = 0; i < mine.length; i++) if (+mine[i].getAttribute('data-s') <= m.seq) last = mine[i];
      var old = els.log.querySelector('.seen');
      if (old) old.remove();
      if (last) last.firstChild.appendChild(el('div', { class: 'seen' }, 'Seen'));
    } else if (m.type === 'typing') {
      showTyping(m.state ? m.name || 'Support' : null);
    } else if (m.type === 'error') {
      if (m.clientId) {
        pending = pending.filter(function (f) { return f.clientId !== m.clientId || m.code === 'rate-limited'; });
        save();
        if (m.code === 'rate-limited') setTimeout(function () { pending.forEach(function (f) { sendFrame(f); }); }, m.retryAfterMs || 5000);
        else { var p = els.log.querySelector('[data-c="' + m.clientId + '"]'); if (p) p.remove(); }
      }
      els.err.textContent = m.detail || 'Something went wrong.';
    }
  }

  function start() {
    fetch(host + '/api/public/support/chat/config').then(function (r) { return r.ok ? r.json() : null; }).then(function (c) {
      if (!c || !c.enabled) return;
      cfg = c;
      online = c.online;
      build();
      if (state.chatId || pending.length) connect();
    }).catch(function () { /* chat is optional: the page keeps working */ });
  }

  w.PatronChat = {
    loaded: true,
    open: function () { if (els.panel) toggle(true); },
    close: function () { if (els.panel) toggle(false); },
    /** For a logged-in shopper: email, name and the identity hash computed by the store's backend. */
    identify: function (o) { opts.email = o.email; opts.name = o.name; opts.hash = o.hash; if (ws) ws.close(); }
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start); else start();
})(window, document);
