// First byte on the port, two trees interleaved round by round (BENCHMARKS.md, after the restructuring).
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { SIM_SCAN_FILE } from '../scripts/lib/sim-scan-file.mjs';
writeFileSync(`${tmpdir()}/bmeter-fb-scan.json`, JSON.stringify(SIM_SCAN_FILE));
const server = createServer();
let onByte;
server.on('connection', (s) =>
  s.once('data', () => {
    onByte?.();
    s.destroy();
  }),
);
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
// A clean environment, as bench/run.ts uses, for bmeter and `node -e 0` alike: a variable such as
// NODE_EXTRA_CA_CERTS (some shells set it) makes every node start read a CA bundle, ~40 ms on the Xeon.
const env = {
  PATH: process.env.PATH,
  BMETER_ROUTEB_ID: '0'.repeat(24) + '12345678',
  BMETER_ROUTEB_PASSWORD: 'BENCHPASS012',
  BMETER_SCAN_FILE: `${tmpdir()}/bmeter-fb-scan.json`,
};
// Usage: node bench/first-byte-ab.mjs <tree before> <tree after> (each with bin/ and dist/ built).
const [before, after] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: node bench/first-byte-ab.mjs <tree before> <tree after>');
const roots = { base: before, cur: after };
const t = { base: [], cur: [], node: [] };
for (let i = 0; i < 21; i++) {
  for (const [k, r] of Object.entries(roots)) {
    const s = process.hrtime.bigint();
    const p = spawn(process.execPath, [`${r}/bin/bmeter.js`, 'poll', '--port', `tcp://127.0.0.1:${port}`], {
      env,
      stdio: 'ignore',
    });
    await new Promise((res) => (onByte = res));
    t[k].push(Number(process.hrtime.bigint() - s) / 1e6);
    p.kill('SIGKILL');
    await new Promise((res) => p.once('exit', res));
  }
  const s = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0'], { env });
  t.node.push(Number(process.hrtime.bigint() - s) / 1e6);
}
server.close();
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ratio = (k) => med(t[k].map((v, i) => v / t.node[i])).toFixed(2);
console.log(
  `first byte median ms: node ${med(t.node).toFixed(1)} base ${med(t.base).toFixed(1)} (${ratio('base')}×) cur ${med(t.cur).toFixed(1)} (${ratio('cur')}×)`,
);
