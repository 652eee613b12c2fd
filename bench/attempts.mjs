// Submitting a comprehension test attempt over HTTP, one connection: for each round the staff
// account starts an attempt (not timed) and submits its answers (timed). Prints p50 / p99 in ms.
// Usage: node bench/attempts.mjs <base url> <staff bearer token> [rounds]
const [base, token, rounds = '300'] = process.argv.slice(2);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const times = [];
for (let i = 0; i < Number(rounds); i++) {
  const start = await fetch(`${base}/api/v1/tests/INIT/attempts`, { method: 'POST', headers });
  if (start.status !== 201) throw new Error(`start: ${start.status} ${await start.text()}`);
  const paper = await start.json();
  const answers = Object.fromEntries(paper.questions.map((q) => [q.id, [q.choices[0].value]]));
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/tests/attempts/${paper.id}/answers`, {
    method: 'POST', headers, body: JSON.stringify({ answers }),
  });
  await res.arrayBuffer();
  times.push(performance.now() - t0);
  if (res.status !== 200) throw new Error(`submit: ${res.status}`);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(2);
console.log(`${q(0.5)} ${q(0.99)}`);
