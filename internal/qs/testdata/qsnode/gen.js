// Records how qs parses random query strings and form bodies, for
// TestParseQSMatchesNode. Regenerate with (qs and body-parser pinned):
//   npm install qs@6.17.1 && node gen.js > cases.jsonl
// "q" is Express's "extended" query parser (qs.parse with allowPrototypes),
// "b" body-parser 2.4.0's urlencoded({extended: true}); "ERR" is an error.
const qs = require('qs');
const body = s => qs.parse(s, {
  allowPrototypes: true, arrayLimit: Math.max(100, s.split('&').length),
  depth: 32, strictDepth: true, parameterLimit: 1000,
});
const query = s => qs.parse(s, { allowPrototypes: true });

let seed = 7;
function rnd(n) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >>> 8) % n; }

// Short strings over every key form qs knows.
const names = ['a', 'b', '0', '1', '19', '20', '21', 'x', '__proto__', 'constructor', ''];
function seg() {
  const r = rnd(10);
  if (r < 2) return '[]';
  if (r < 3) return '[' + rnd(25) + ']';
  if (r < 4) return '[';
  if (r < 5) return ']';
  if (r === 5) return '[[b]]';
  return '[' + names[rnd(names.length)] + ']';
}
function shortCase() {
  const parts = [];
  for (let n = 1 + rnd(12); n > 0; n--) {
    let k = names[rnd(names.length)];
    for (let d = rnd(7); d > 0; d--) k += seg();
    parts.push(rnd(10) < 1 ? k : k + '=' + ['v', '', '1', '%5B', 'x+y', '%zz'][rnd(6)]);
  }
  return parts.join('&');
}
// Long strings: arrays near the limits, deep keys.
const keys = ['a[]', 'a', 'a[b]', 'a[b][]', 'a[0][k]', 'a[][k]', 'm[i][0]', 'm[i][]', 'm[i][0][]', 'a[x]'];
function longCase() {
  const parts = [];
  for (let n = 1 + rnd(140); n > 0; n--) {
    const r = rnd(20);
    let k;
    if (r < 3) k = 'a[' + rnd(130) + ']';
    else if (r < 5) k = 'm[i][' + rnd(30) + '][k]';
    else if (r < 6) k = 'a' + '[b]'.repeat(rnd(40));
    else k = keys[rnd(keys.length)];
    parts.push(k + '=' + ['v', '', '1'][rnd(3)]);
  }
  return parts.join('&');
}
const attempt = (f, s) => { try { return f(s); } catch (e) { return 'ERR'; } };
for (let i = 0; i < 1000; i++) {
  const s = i % 40 === 39 ? longCase() : shortCase();
  console.log(JSON.stringify({ s, q: attempt(query, s), b: attempt(body, s) }));
}
