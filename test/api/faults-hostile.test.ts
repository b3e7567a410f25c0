/**
 * Issue 9 item 4 — hostile workbooks. Each file is uploaded as a survey import and must end in a refusal with a
 * specific code (an HTTP error, a failed import, or every row refused), while the API process keeps its pid and
 * answers, the parser child peaks at ≤ 300 MiB (VmHWM read from /proc while it runs) and the answer comes within 10 s.
 * `npm test` runs the light subset against the in-process test server and records nothing; `npm run test:faults` runs
 * every file against the real server process and asserts the time bound too.
 */
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { uploadWorkbook, waitForImport } from '../support/workbooks.ts';
import { ChildMemoryWatch, FULL, figure, memoryOf, mib, seconds } from '../support/faults.ts';
import { HOSTILE } from '../support/faults-workbooks.ts';
import { freshStore, startServerProcess, type ServerProcess, type ServerStore } from '../support/faults-server.ts';

const PEAK_LIMIT_MIB = 300;
const TIME_LIMIT_MS = 10_000;
const cases = FULL ? HOSTILE : HOSTILE.filter((c) => c.light);

/** What became of an upload: an HTTP error code, the import's failure code, ROWS:<codes> or VALID. */
async function outcomeOf(client: ApiClient, buf: Buffer, expected: string[]): Promise<string> {
  const res = await uploadWorkbook(client, buf, 'tep-doc-hai.xlsx');
  if (res.status !== 202) return `${res.status} ${res.body?.error?.code}`;
  const done = await waitForImport(client, res.body.id, 120_000);
  if (done.status === 'failed') return done.failure.code;
  if (done.status !== 'validated') return done.status;
  if (done.summary.rows > 0 && done.summary.invalid === 0) return 'VALID';
  if (done.summary.valid > 0) return `PARTLY VALID (${done.summary.valid}/${done.summary.rows})`;
  if (done.summary.rows === 0) return 'EMPTY';
  const codes = [...new Set((done.errors as { code: string }[]).map((e) => e.code))];
  const wanted = expected.find((e) => e.startsWith('ROWS:') && codes.includes(e.slice(5)));
  return wanted ?? `ROWS:${codes.join('+')}`;
}

const matches = (outcome: string, expected: string[]) => expected.some((e) => outcome === e || outcome.endsWith(` ${e}`));

describe(`faults · item 4: hostile workbooks (${cases.length} files)`, function () {
  this.timeout(180_000);
  let t: TestServer | null = null;
  let store: ServerStore | null = null;
  let server: ServerProcess | null = null;
  let client: ApiClient;
  let apiPid: number;
  let watch: ChildMemoryWatch;
  const summary: { name: string; outcome: string; ok: boolean; peak: number; ms: number }[] = [];

  before(async function () {
    this.timeout(300_000);
    if (FULL) {
      store = await freshStore();
      server = await startServerProcess(store);
      apiPid = server.pid;
      client = await server.admin();
    } else {
      t = await startTestServer();
      apiPid = process.pid;
      client = await t.as('district');
    }
    watch = new ChildMemoryWatch(apiPid);
  });
  after(async () => {
    watch?.stop();
    await server?.kill();
    await store?.dispose();
    await t?.close();
  });

  for (const c of cases) {
    it(`${c.name} → ${c.expect.join(' | ')}`, async () => {
      const buf = await c.build();
      watch.take();
      const started = Date.now();
      const outcome = await outcomeOf(client, buf, c.expect).catch((err: Error) => `no answer: ${err.message.slice(0, 120)}`);
      const ms = Date.now() - started;
      const { peakMiB, children } = watch.take();
      const health = await client.get('/api/health');
      const samePid = server ? server.child.exitCode === null && server.child.pid === apiPid && memoryOf(apiPid) !== null : process.pid === apiPid;
      const ok = matches(outcome, c.expect);
      summary.push({ name: c.name, outcome, ok, peak: peakMiB, ms });
      figure(4, `file: ${c.name}`, `${outcome}; ${(buf.length / 1024).toFixed(0)} KiB; parser peak ${children ? mib(peakMiB) : 'no parser run'}; ${seconds(ms)}`);
      expect(outcome, `outcome of "${c.name}"`).to.satisfy(() => ok);
      expect(health.status, 'API still answering').to.equal(200);
      expect(samePid, 'API process still the same pid').to.equal(true);
      expect(peakMiB, 'parser peak RSS (VmHWM), MiB').to.be.at.most(PEAK_LIMIT_MIB);
      if (FULL) expect(ms, 'answered within 10 s').to.be.at.most(TIME_LIMIT_MS);
    });
  }

  it('summary', function () {
    if (summary.length === 0) this.skip();
    const worstPeak = summary.reduce((a, b) => (b.peak > a.peak ? b : a));
    const slowest = summary.reduce((a, b) => (b.ms > a.ms ? b : a));
    figure(4, 'hostile workbooks (summary)',
      `${summary.filter((s) => s.ok).length}/${summary.length} answered as expected (a refusal with its own code; NFD text accepted); API pid unchanged and answering after each; ` +
      `parser peak ${mib(worstPeak.peak)} (${worstPeak.name}); slowest ${seconds(slowest.ms)} (${slowest.name}); ` +
      `${summary.filter((s) => s.peak > PEAK_LIMIT_MIB).length} over ${PEAK_LIMIT_MIB} MiB, ${summary.filter((s) => s.ms > TIME_LIMIT_MS).length} over 10 s`);
    expect(summary.length).to.equal(cases.length);
    if (FULL) expect(summary.length).to.be.at.least(30);
  });
});
