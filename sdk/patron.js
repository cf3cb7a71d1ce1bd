/*! Patron browser tracking (patron.js) — zero dependencies, Segment-compatible calls. AGPL-3.0 */
(function (w, d) {
  'use strict';
  var VERSION = '1.0.0';
  var AID = 'patron_aid', UID = 'patron_uid', SID = 'patron_sid', QUEUE = 'patron_queue', CONSENT = 'patron_consent';
  var YEAR = 31536000, SESSION_MS = 30 * 60 * 1000, MAX_STORED = 200, MAX_MEMORY = 1000, BEACON_MAX = 60000, BATCH_MAX = 100;
  var UTM = { utm_source: 'source', utm_medium: 'medium', utm_campaign: 'name', utm_term: 'term', utm_content: 'content' };

  var cfg = null; // set by load()
  var early = []; // calls made before load()
  var queue = []; // calls not yet acknowledged by the server
  var granted = false, inflight = false, timer = null, retryTimer = null, attempts = 0;
  var ids = { aid: null, uid: null }, session = null, lastUrl = null, referrer = d.referrer;
  var script = d.currentScript;

  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = '';
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
    return h;
  }
  function assign(t) {
    for (var i = 1; i < arguments.length; i++) for (var k in arguments[i] || {}) t[k] = arguments[i][k];
    return t;
  }

  // Storage: nothing is written while consent is required and not given.
  function canStore() { return !!cfg && (!cfg.consentRequired || granted); }
  function get(k) { try { return w.localStorage.getItem(k); } catch { return null; } }
  function set(k, v) { if (canStore()) try { w.localStorage.setItem(k, v); } catch { /* full or blocked */ } }
  function del(k) { try { w.localStorage.removeItem(k); } catch { /* blocked */ } }
  function cookie(k) {
    var m = d.cookie.match(new RegExp('(?:^|; )' + k + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function setCookie(k, v, age) {
    if (age && !canStore()) return;
    d.cookie = k + '=' + encodeURIComponent(v) + '; path=/; max-age=' + age + '; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
  }
  function persistIds() {
    if (!canStore()) return;
    setCookie(AID, ids.aid, YEAR);
    set(AID, ids.aid);
    if (ids.uid) set(UID, ids.uid);
    else del(UID);
  }
  function anonymousId() {
    if (!ids.aid) {
      ids.aid = cookie(AID) || get(AID) || uuid();
      persistIds();
    }
    return ids.aid;
  }
  function save() {
    if (!canStore()) return;
    if (queue.length) set(QUEUE, JSON.stringify(queue.slice(-MAX_STORED)));
    else del(QUEUE);
  }

  // A session ends after 30 minutes without a call; UTM parameters of its landing page stay with it.
  function campaign() {
    var q = new URLSearchParams(location.search), c = null;
    for (var k in UTM) if (q.get(k)) (c = c || {})[UTM[k]] = q.get(k);
    return c;
  }
  function sessionNow() {
    var now = Date.now();
    if (!session) try { session = JSON.parse(get(SID) || 'null'); } catch { session = null; }
    if (!session || now - session.last > SESSION_MS) session = { id: uuid(), start: now };
    session.last = now;
    var c = campaign();
    if (c) session.campaign = c;
    set(SID, JSON.stringify(session));
    return session;
  }
  function pageInfo() {
    return { path: location.pathname, referrer: referrer, search: location.search, title: d.title, url: location.href };
  }
  function context() {
    var s = sessionNow();
    var c = { library: { name: 'patron.js', version: VERSION }, page: pageInfo(), userAgent: navigator.userAgent, locale: navigator.language, sessionId: s.id };
    if (s.campaign) c.campaign = s.campaign;
    try { c.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { /* old browser */ }
    if (w.screen) c.screen = { width: screen.width, height: screen.height, density: w.devicePixelRatio };
    return c;
  }

  function message(type, fields) {
    var m = assign({ type: type, messageId: uuid(), timestamp: new Date().toISOString(), anonymousId: anonymousId(), context: context() }, fields);
    if (ids.uid && !m.userId) m.userId = ids.uid;
    return m;
  }
  // Segment's consent event: the visitor's choice reaches the profile's consent ledger.
  function consentMessage(given) {
    var m = message('track', { event: 'Segment Consent Preference Updated', properties: {} });
    m.context.consent = { categoryPreferences: { tracking: given } };
    return m;
  }
  function enqueue(type, fields, m) {
    m = m || message(type, fields);
    queue.push(m);
    if (queue.length > MAX_MEMORY) queue.splice(0, queue.length - MAX_MEMORY);
    save();
    if (queue.length >= cfg.flushAt) flush();
    else if (!timer) timer = setTimeout(flush, cfg.flushInterval);
  }

  // Sending: batches to /v1/batch as text/plain (no CORS preflight), retried with backoff.
  function canSend() { return !!cfg && (!cfg.consentRequired || granted); }
  function body(batch) { return JSON.stringify({ batch: batch, writeKey: cfg.key, sentAt: new Date().toISOString() }); }
  function remove(batch) {
    var sent = {};
    for (var i = 0; i < batch.length; i++) sent[batch[i].messageId] = 1;
    queue = queue.filter(function (m) { return !sent[m.messageId]; });
    save();
  }
  function flush() {
    clearTimeout(timer);
    timer = null;
    if (!canSend() || inflight || retryTimer || !queue.length) return;
    var batch = queue.slice(0, BATCH_MAX);
    inflight = true;
    fetch(cfg.host + '/v1/batch', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: body(batch), credentials: 'omit' })
      .then(function (r) { return r.status; }, function () { return 0; })
      .then(function (status) {
        inflight = false;
        if (status >= 200 && status < 300) {
          attempts = 0;
          remove(batch);
        } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          // Refused for good (bad key, invalid calls): retrying cannot help.
          if (w.console) console.warn('patron: the server refused ' + batch.length + ' call(s) with status ' + status);
          remove(batch);
        } else {
          attempts++;
          var delay = Math.min(60000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random());
          retryTimer = setTimeout(function () { retryTimer = null; flush(); }, delay);
          return;
        }
        if (queue.length) flush();
      });
  }
  // On page hide the page may never come back: hand everything to the browser with sendBeacon.
  function beacon() {
    if (!canSend() || !queue.length || !navigator.sendBeacon) return;
    var i = 0;
    while (i < queue.length) {
      var chunk = [], size = 200;
      while (i < queue.length && chunk.length < BATCH_MAX) {
        var n = JSON.stringify(queue[i]).length;
        if (chunk.length && size + n > BEACON_MAX) break;
        chunk.push(queue[i++]);
        size += n + 1;
      }
      if (!navigator.sendBeacon(cfg.host + '/v1/batch', body(chunk))) break;
      remove(chunk);
      i = 0;
    }
  }

  function page(name, props) {
    if (name && typeof name === 'object') { props = name; name = undefined; }
    var f = { properties: assign(pageInfo(), props) };
    if (name) f.name = String(name);
    lastUrl = location.href;
    enqueue('page', f);
  }
  function autoPage() {
    var url = location.href.split('#')[0];
    if (lastUrl && lastUrl.split('#')[0] === url) return;
    if (lastUrl) referrer = lastUrl;
    page();
  }
  function watchHistory() {
    ['pushState', 'replaceState'].forEach(function (fn) {
      var orig = history[fn];
      history[fn] = function () {
        var r = orig.apply(this, arguments);
        setTimeout(autoPage, 0);
        return r;
      };
    });
    w.addEventListener('popstate', function () { setTimeout(autoPage, 0); });
  }

  function clearAll() {
    setCookie(AID, '', 0);
    [AID, UID, SID, QUEUE, CONSENT].forEach(del);
  }

  var api = {
    version: VERSION,
    load: function (key, opts) {
      if (cfg) return;
      opts = opts || {};
      var src = script && script.src ? script.src : location.href;
      cfg = {
        key: String(key), host: String(opts.host || new URL(src, location.href).origin).replace(/\/$/, ''), consentRequired: !!opts.consentRequired,
        flushAt: opts.flushAt || 20, flushInterval: opts.flushInterval || 3000,
      };
      granted = !cfg.consentRequired || get(CONSENT) === '1';
      if (canStore()) {
        ids.uid = get(UID);
        try { queue = JSON.parse(get(QUEUE) || '[]') || []; } catch { queue = []; }
      }
      d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') beacon(); });
      w.addEventListener('pagehide', beacon);
      if (opts.page !== false) {
        page();
        watchHistory();
      }
      var pending = early;
      early = [];
      for (var i = 0; i < pending.length; i++) call(pending[i]);
      if (queue.length) flush();
    },
    identify: function (userId, traits) {
      if (userId && typeof userId === 'object') { traits = userId; userId = null; }
      if (userId !== undefined && userId !== null && userId !== '') {
        ids.uid = String(userId);
        persistIds();
      }
      var f = { traits: traits || {} };
      if (ids.uid) f.userId = ids.uid;
      enqueue('identify', f);
    },
    track: function (event, props) { enqueue('track', { event: String(event), properties: props || {} }); },
    page: page,
    reset: function () {
      ids.uid = null;
      ids.aid = uuid();
      session = null;
      del(UID);
      persistIds();
    },
    consent: {
      grant: function () {
        if (!cfg) return;
        granted = true;
        set(CONSENT, '1');
        persistIds();
        sessionNow();
        enqueue(0, 0, consentMessage(true));
        save();
        flush();
      },
      revoke: function () {
        if (!cfg) return;
        // The withdrawal itself is the last call sent (then nothing more is stored or sent).
        if (granted && ids.aid) {
          var m = consentMessage(false);
          if (!navigator.sendBeacon || !navigator.sendBeacon(cfg.host + '/v1/batch', body([m]))) fetch(cfg.host + '/v1/batch', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: body([m]), credentials: 'omit', keepalive: true }).catch(function () {});
        }
        cfg.consentRequired = true;
        granted = false;
        queue = [];
        clearTimeout(timer);
        timer = null;
        clearAll();
        ids.aid = null;
        session = null;
      },
    },
    /** The ids in use, for support and debugging. */
    user: function () { return { anonymousId: ids.aid, userId: ids.uid, sessionId: session && session.id }; },
  };

  function call(args) {
    var m = args[0], fn = m === 'consent.grant' ? api.consent.grant : m === 'consent.revoke' ? api.consent.revoke : api[m];
    if (typeof fn !== 'function') return;
    if (!cfg && m !== 'load') { early.push(args); return; }
    try { fn.apply(api, args.slice(1)); } catch (e) { if (w.console) console.error('patron: ' + m + ' failed', e); }
  }
  function guard(name) {
    return function () { return call([name].concat(Array.prototype.slice.call(arguments))); };
  }

  var stubbed = w.patron;
  var pub = { version: VERSION, user: api.user, consent: { grant: guard('consent.grant'), revoke: guard('consent.revoke') } };
  ['load', 'identify', 'track', 'page', 'reset'].forEach(function (m) { pub[m] = guard(m); });
  w.patron = pub;
  if (stubbed && stubbed.length) {
    var calls = Array.prototype.slice.call(stubbed);
    calls.filter(function (c) { return c[0] === 'load'; }).slice(0, 1).forEach(call);
    calls.filter(function (c) { return c[0] !== 'load'; }).forEach(call);
  }
})(window, document);
