/* Patron install snippet: paste inside <script> before </head>. It defines `patron` at once and
   queues calls made before patron.js has loaded (like Segment's snippet); patron.js replays them.
   The server fills in the three placeholders (GET /api/settings/tracking returns it ready to paste). */
(function (w, d, src, key, opts) {
  var p = (w.patron = w.patron || []);
  if (p.invoked || p.version) return;
  p.invoked = true;
  var stub = function (m) {
    return function () {
      var a = Array.prototype.slice.call(arguments);
      a.unshift(m);
      p.push(a);
      return p;
    };
  };
  var methods = ['load', 'identify', 'track', 'page', 'reset'];
  for (var i = 0; i < methods.length; i++) p[methods[i]] = stub(methods[i]);
  p.consent = { grant: stub('consent.grant'), revoke: stub('consent.revoke') };
  var s = d.createElement('script');
  s.async = true;
  s.src = src;
  (d.head || d.documentElement).appendChild(s);
  p.load(key, opts);
})(window, document, '__SCRIPT_URL__', '__WRITE_KEY__', /*OPTIONS*/ {});
