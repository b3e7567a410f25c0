/**
 * The rates report table (domain.md §5, the columns of rates.xlsx): per list the start, escaped, removed, fell back,
 * new and end counts with their %, then the poor ↔ near-poor moves, the change of each rate in percentage points,
 * the unreviewed households and the approving decision. Wide: it scrolls sideways with No. and ward kept in view.
 */
import type { ListBlock, RatesReport, RatesRow } from '../api/types.ts';
import { h } from '../dom.ts';
import { fmtInt, fmtPct, t, type MessageKey } from '../i18n/index.ts';

const STEPS: (keyof ListBlock)[] = ['start', 'escaped', 'removed', 'fellBack', 'new', 'end'];

/** Whether the report compares with another round than the previous one (issue 15). */
export const isCompared = (r: Pick<RatesReport, 'round' | 'from'>) => r.from !== null && r.from !== r.round - 1;

/** Step headings; comparing two rounds further apart, "start"/"end of year" become the two rounds. */
function stepLabel(s: keyof ListBlock, report: RatesReport): string {
  if (isCompared(report) && s === 'start') return t('reports.atRound', { round: report.from! });
  if (isCompared(report) && s === 'end') return t('reports.atRound', { round: report.round });
  return s === 'removed' ? t('reports.removed') : t(`panel.${s}` as MessageKey);
}

/** Count and its share of the ward's total households; a missing total shows the count and no rate. */
function countCells(row: RatesRow, list: 'poor' | 'nearPoor', step: keyof ListBlock): HTMLElement[] {
  const n = (row[list][step] as number | undefined) ?? 0;
  const b = row[list];
  const pct = { start: b.startRate, escaped: b.escapedRate, removed: b.removedRate, fellBack: b.fellBackRate, new: b.newRate, end: b.rate }[step as string] ?? null;
  return [h('td', { class: 'num', 'data-col': `${list}.${step}` }, fmtInt(n)), h('td', { class: 'num pct' }, fmtPct(pct))];
}

/** The approving decision of a ward's list ("125/QĐ-UBND, 2017-12-22") or "not approved"; blank on an approved total. */
function approvalText(row: RatesRow, isTotal: boolean): string {
  const a = row.approval;
  if (a?.status === 'approved') return a.decisionNumber ? `${a.decisionNumber}, ${a.decisionDate ?? ''}` : '';
  return isTotal && !row.flags?.includes('NOT_ALL_APPROVED') ? '' : t('reports.notApproved');
}

function reportRow(row: RatesRow, index: number | null): HTMLElement {
  const isTotal = index === null;
  return h(
    'tr',
    { 'data-ward-code': row.code, class: isTotal ? 'total' : null },
    h('td', {}, isTotal ? '' : String(index)),
    h(isTotal ? 'th' : 'td', { scope: isTotal ? 'row' : null }, isTotal ? t('reports.districtTotal') : row.name),
    h('td', { class: 'num' }, fmtInt(row.totalHouseholds)),
    STEPS.flatMap((s) => countCells(row, 'poor', s)),
    STEPS.flatMap((s) => countCells(row, 'nearPoor', s)),
    h('td', { class: 'num', 'data-col': 'moves.poorToNearPoor' }, fmtInt(row.moves?.poorToNearPoor ?? 0)),
    h('td', { class: 'num', 'data-col': 'moves.nearPoorToPoor' }, fmtInt(row.moves?.nearPoorToPoor ?? 0)),
    h('td', { class: 'num', 'data-col': 'change.poor' }, fmtPct(row.change.poorRatePp, true)),
    h('td', { class: 'num', 'data-col': 'change.nearPoor' }, fmtPct(row.change.nearPoorRatePp, true)),
    h('td', { class: 'num', 'data-col': 'unreviewed' }, fmtInt((row.poor.unreviewed ?? 0) + (row.nearPoor.unreviewed ?? 0))),
    h('td', { 'data-col': 'approval' }, approvalText(row, isTotal)),
  );
}

export function reportTable(report: RatesReport, caption: string): HTMLElement {
  const stepHeads = () => STEPS.map((s) => h('th', { scope: 'colgroup', colspan: '2' }, stepLabel(s, report)));
  const subHeads = () => STEPS.flatMap(() => [h('th', { scope: 'col' }, t('reports.count')), h('th', { scope: 'col' }, '%')]);
  const tall = (label: string, cls?: string) => h('th', { rowspan: '2', scope: 'col', class: cls ?? null }, label);
  return h(
    'table',
    { class: 'data-table report-table' },
    // The caption's text stays in view while the table scrolls sideways (a sticky span inside the full-width caption).
    h('caption', {}, h('span', {}, caption)),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { rowspan: '3', scope: 'col', class: 'sticky-1' }, t('reports.no')),
        h('th', { rowspan: '3', scope: 'col', class: 'sticky-2' }, t('common.ward')),
        h('th', { rowspan: '3', scope: 'col' }, t('panel.total')),
        h('th', { colspan: String(STEPS.length * 2), scope: 'colgroup' }, t('measure.poor')),
        h('th', { colspan: String(STEPS.length * 2), scope: 'colgroup' }, t('measure.nearPoor')),
        h('th', { colspan: '2', scope: 'colgroup' }, t('reports.moves')),
        h('th', { colspan: '2', scope: 'colgroup' }, t('reports.changePp')),
        h('th', { rowspan: '3', scope: 'col' }, t('reports.unreviewed')),
        h('th', { rowspan: '3', scope: 'col' }, t('reports.approval')),
      ),
      h('tr', {}, stepHeads(), stepHeads(), tall(t('reports.poorToNearPoor')), tall(t('reports.nearPoorToPoor')), tall(t('measure.poor')), tall(t('measure.nearPoor'))),
      h('tr', {}, subHeads(), subHeads()),
    ),
    h('tbody', {}, report.rows.map((r, i) => reportRow(r, i + 1))),
    report.total ? h('tfoot', {}, reportRow(report.total, null)) : null,
  );
}
