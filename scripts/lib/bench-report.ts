/**
 * The summary table of a benchmark run (printed, and pasted into docs/BENCHMARKS.md): one line per figure and engine,
 * with the goal and whether it is met.
 */
import type { ImportBenchResult } from './bench-import.ts';
import type { LoadRunResult } from './bench-load.ts';
import type { LatencyResult, LoadResult } from './bench-reports.ts';
import type { MachineInfo } from './bench-machine.ts';
import type { FootprintResult } from './bench-footprint.ts';
import type { WriteFigures } from './bench-writes.ts';

interface DatasetResults {
  load: LoadResult;
  report: LatencyResult;
  /** Restart of the loaded registry: spawn to the first answer (absent in results from before it was measured). */
  restartFirstAnswerMs?: number;
  apiPeakRssMiB: number;
  loadRuns?: LoadRunResult[];
  writes?: WriteFigures;
}

interface EngineResults {
  import?: ImportBenchResult;
  footprint?: FootprintResult;
  demo?: DatasetResults;
  district?: DatasetResults;
  city?: { load: LoadResult; cityScan?: LatencyResult; districtReportOnCityTable: LatencyResult; apiPeakRssMiB: number };
  error?: string;
}

const TARGET_LABEL: Record<LoadRunResult['target'], string> = {
  floor: 'floor GET /api/auth/me',
  households: 'household pages 1–10',
  'households-round': 'household pages 1–10, round 2017',
  'households-category': 'household pages, round 2017, poor',
  'deep-pages': 'deep household pages (last 5 of each ward)',
  search: 'search (5 names × 11 wards)',
  report: 'rates report',
};

const yes = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'met' : '**missed**');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rounds = (n: number) => `${n} round${n === 1 ? '' : 's'}`;

export function summaryRows(engines: Record<string, EngineResults>): string[][] {
  const rows: string[][] = [['engine', 'measure', 'result', 'goal', 'status']];
  for (const [name, e] of Object.entries(engines)) {
    const i = e.import;
    if (i) {
      rows.push([name, `import floor (${i.rows} rows: read ${s(i.floor.readMs)} + insert ${s(i.floor.insertMs)})`, `${s(i.floor.totalMs)}, ${i.rowsPerSecond.floor} rows/s`, '', '']);
      rows.push([name, `import full via API (validate ${s(i.full.validateMs)} + commit ${s(i.full.commitMs)})`, `${s(i.full.totalMs)}, ${i.rowsPerSecond.full} rows/s`, '', '']);
      rows.push([name, 'import full ÷ floor', `${i.ratio}`, '≤ 2.0', yes(i.goals.ratioAtMost2)]);
      rows.push([name, 'import: API process peak RSS (parser child)', `${i.apiPeakRssMiB} MiB (${i.parserPeakRssMiB} MiB)`, '≤ 400 MiB', yes(i.goals.rssAtMost400)]);
    }
    const f = e.footprint;
    if (f) {
      rows.push([name, 'first start on an empty folder (initdb): first answer, idle RSS', `${s(f.firstStart.firstAnswerMs)}, ${f.firstStart.idleRssMiB} MiB`, '', '']);
      rows.push([name, 'restart, `npm start` (compiled): first answer, idle RSS', `${s(f.restartCompiled.firstAnswerMs)}, ${f.restartCompiled.idleRssMiB} MiB`, '≤ 2 s, ≤ 250 MiB', `${yes(f.restartCompiled.firstAnswerMs <= 2000)}, ${yes(f.restartCompiled.idleRssMiB <= 250)}`]);
      rows.push([name, 'restart through tsx (`npm run dev`): first answer, idle RSS', `${s(f.restartTsx.firstAnswerMs)}, ${f.restartTsx.idleRssMiB} MiB`, '', '']);
    }
    for (const label of ['demo', 'district'] as const) {
      const d = e[label];
      if (!d) continue;
      const set = label === 'demo' ? 'demo district' : 'district';
      rows.push([name, `load ${set} via ${label === 'demo' ? 'the demo loader' : 'applyRows'} (${d.load.households} hh × ${rounds(d.load.rounds.length)})`, `${s(d.load.loadMs)}, ${d.load.rowsPerSecond} rows/s`, '', '']);
      if (d.restartFirstAnswerMs !== undefined) rows.push([name, `${set}: restart (\`npm start\`), first answer`, s(d.restartFirstAnswerMs), '', '']);
      rows.push([name, `rates report, ${set} (p50 / p95)`, `${d.report.p50Ms} / ${d.report.p95Ms} ms`, '< 100 ms', name === 'postgres' ? yes(d.report.p95Ms < 100) : `(${yes(d.report.p95Ms < 100)})`]);
      if (d.writes) {
        const w = d.writes;
        rows.push([name, `${set}: save household / save assessment, p50 (p95), ${w.runs} each`, `${w.householdP50Ms} (${w.householdP95Ms}) / ${w.assessmentP50Ms} (${w.assessmentP95Ms}) ms`, 'p50 < 20 ms', yes(w.householdP50Ms < 20 && w.assessmentP50Ms < 20)]);
      }
      for (const l of d.loadRuns ?? []) {
        const goal = l.goal ? `≥ ${l.goal.minRatio}× floor${Number.isFinite(l.goal.maxP99Ms) ? `, p99 < ${l.goal.maxP99Ms} ms` : ''}` : '';
        rows.push([
          name,
          `${set}: ${TARGET_LABEL[l.target]} × ${l.connections} conn, ${l.durationS} s`,
          `${l.reqPerSec} req/s${l.target === 'floor' ? '' : ` = ${l.ratioToFloor ?? '—'}× floor`}, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, errors ${l.errors + l.non2xx}`,
          goal,
          l.goal ? yes(l.goalMet) : '',
        ]);
      }
    }
    const c = e.city;
    if (c) {
      rows.push([name, `load city via applyRows (${c.load.households} hh × ${rounds(c.load.rounds.length)})`, `${s(c.load.loadMs)}, ${c.load.rowsPerSecond} rows/s`, '', '']);
      if (c.cityScan) rows.push([name, 'report scan, all 273 wards (p50 / p95)', `${c.cityScan.p50Ms} / ${c.cityScan.p95Ms} ms`, '< 1 s', name === 'postgres' ? yes(c.cityScan.p95Ms < 1000) : `(${yes(c.cityScan.p95Ms < 1000)})`]);
      rows.push([name, 'rates report, district, city-sized table (p50 / p95)', `${c.districtReportOnCityTable.p50Ms} / ${c.districtReportOnCityTable.p95Ms} ms`, '', '']);
    }
    if (e.error) rows.push([name, 'ERROR', e.error.split('\n')[0]!.slice(0, 120), '', '']);
  }
  return rows;
}

export function markdownTable(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(rows[0]!), line(rows[0]!.map(() => '---')), ...rows.slice(1).map(line)].join('\n');
}

export function printSummary(results: Record<string, unknown>): string {
  const m = results.machine as MachineInfo;
  const git = results.git as { commit: string; dirty: boolean };
  const head = `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryMiB} MiB, Node ${m.node}, ${m.platform}; commit ${git.commit.slice(0, 10)}${git.dirty ? ' (dirty)' : ''}`;
  return `${head}\n\n${markdownTable(summaryRows(results.engines as Record<string, EngineResults>))}`;
}
