import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runParser } from '../../server/domain/imports/runner.ts';
import { DEFAULT_LIMITS } from '../../server/domain/imports/zip-check.ts';
import { surveyRows, workbookBuffer } from '../support/workbooks.ts';

describe('import child process limits', function () {
  this.timeout(120_000);
  let dir: string;
  let job: Parameters<typeof runParser>[0];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-import-runner-'));
    fs.writeFileSync(path.join(dir, 'w.xlsx'), await workbookBuffer([{ name: 'Hộ', rows: surveyRows(5) }]));
    job = {
      file: path.join(dir, 'w.xlsx'), rowsFile: path.join(dir, 'rows.ndjson'), errorsFile: path.join(dir, 'errors.ndjson'), sheetsFile: path.join(dir, 'sheets.json'),
      ctx: { wards: [], allowedWards: [], indicators: [], indicatorsByRound: {}, roundMin: 2015, roundMax: 2020, currentYear: 2026, approvedWardRounds: [] },
      limits: { ...DEFAULT_LIMITS, maxUncompressedBytes: 50 * 1048576 },
    };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a parse over its time limit is killed and reported as PARSE_TIMEOUT', async () => {
    const out = await runParser(job, { memoryMb: 256, timeoutSeconds: 0.05 });
    expect(out.ok).to.equal(false);
    expect(!out.ok && out.failure.code).to.equal('PARSE_TIMEOUT');
  });

  it('a parse over its memory cap dies in the child and is reported as PARSE_OUT_OF_MEMORY', async () => {
    const out = await runParser(job, { memoryMb: 8, timeoutSeconds: 60 });
    expect(out.ok).to.equal(false);
    expect(!out.ok && out.failure.code).to.equal('PARSE_OUT_OF_MEMORY');
  });

  it('within its limits the same job parses the rows', async () => {
    const out = await runParser(job, { memoryMb: 256, timeoutSeconds: 120 });
    expect(out.ok && out.result.rows).to.equal(5);
  });
});
