/**
 * Criteria sets: each set and version with lines, indicators, rule and legal source; which rounds use it; an admin
 * creates a new version from a form (POST /api/criteria/:id/versions) and re-classifies stored assessments.
 */
import { createCriteriaVersion, getCriteriaSet, getCriteriaUsage, listCriteriaSets, reclassify, type NewVersionInput } from '../../api/admin.ts';
import type { CriteriaSetFull, CriteriaUsage, IncomeLine } from '../../api/types.ts';
import { clear, field, h } from '../../dom.ts';
import { fmtDateTime, fmtInt, lang, t, type MessageKey } from '../../i18n/index.ts';
import { href, navigate, type Route } from '../../router.ts';
import { state } from '../../state.ts';
import { alertBox, errorText, pageTitle, scrollRegion } from '../common.ts';
import { formSummary, problemsOf, requiredLabel, showProblems, type Problem } from './form-errors.ts';
import { parseWholeNumber } from './totals.ts';

const setName = (s: CriteriaSetFull) => (lang() === 'vi' ? s.nameVi : s.nameEn);

export function provisionalBadge(provisional: boolean | undefined): HTMLElement | null {
  return provisional ? h('span', { class: 'badge provisional', 'data-testid': 'provisional' }, t('criteria.provisional')) : null;
}

export async function criteriaView(route: Route, outlet: HTMLElement): Promise<void> {
  const sets = await listCriteriaSets();
  const selectedId = sets.some((s) => s.id === route.query.get('set')) ? route.query.get('set')! : sets[0]?.id;
  const version = Number(route.query.get('version')) || undefined;
  const nav = h(
    'nav',
    { class: 'set-tabs', 'aria-label': t('criteria.title') },
    h('ul', {}, sets.map((s) => h('li', {}, h('a', { href: href('/admin/criteria', { set: s.id }), 'aria-current': s.id === selectedId ? 'page' : null }, setName(s), ' ', h('code', {}, s.id))))),
  );
  const detail = h('div', { 'data-testid': 'criteria-detail' }, h('p', {}, t('common.loading')));
  outlet.replaceChildren(pageTitle('criteria.title'), nav, detail);
  if (!selectedId) return;
  try {
    const [set, usage] = await Promise.all([getCriteriaSet(selectedId, version), getCriteriaUsage(selectedId)]);
    const latest = Math.max(...(set.versions ?? []).map((v) => v.version), set.version);
    clear(
      detail,
      setCard(set, latest),
      usageCard(usage, set.id, latest),
      versionsCard(set),
      state.user?.role === 'admin' ? newVersionForm(set) : null,
    );
  } catch (err) {
    detail.replaceChildren(alertBox(errorText(err)));
  }
}

function lineRows(set: CriteriaSetFull): [string, IncomeLine][] {
  const l = set.lines as Record<string, IncomeLine>;
  return Object.entries(l).map(([area, line]) => [t(`criteria.area.${area}` as MessageKey), line]);
}

function setCard(set: CriteriaSetFull, latest: number): HTMLElement {
  const unit = t(`criteria.unit.${set.incomeUnit}` as MessageKey);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'set-name' },
    h('h2', { id: 'set-name' }, setName(set), ' · ', t('criteria.version', { v: set.version }), set.version === latest ? ` (${t('criteria.latest')})` : '', ' ', provisionalBadge(set.provisional)),
    h('dl', { class: 'facts' }, h('dt', {}, t('criteria.source')), h('dd', { 'data-testid': 'legal-source' }, set.legalSource), h('dt', {}, t('criteria.rule')), h('dd', {}, t(`criteria.rule.${set.rule.kind}` as MessageKey, { n: set.rule.cutoff }))),
    h('h3', {}, t('criteria.lines', { unit })),
    h(
      'table',
      { class: 'data-table narrow-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('criteria.area')), h('th', { scope: 'col', class: 'num' }, t('criteria.poorLine')), h('th', { scope: 'col', class: 'num' }, t('criteria.nearPoorLine')))),
      h('tbody', {}, lineRows(set).map(([area, line]) => h('tr', {}, h('th', { scope: 'row' }, area), h('td', { class: 'num' }, fmtInt(line.poor)), h('td', { class: 'num' }, fmtInt(line.nearPoor))))),
    ),
    h('h3', {}, t('criteria.indicators')),
    scrollRegion(
      t('criteria.indicators'),
      h(
        'table',
        { class: 'data-table' },
        h('thead', {}, h('tr', {}, (['criteria.code', 'criteria.dimension', 'criteria.name', 'criteria.weight'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, set.indicators.map((i) => h('tr', {}, h('td', {}, h('code', {}, i.code)), h('td', {}, i.dimension ?? ''), h('td', {}, lang() === 'vi' ? i.vi : i.en), h('td', { class: 'num' }, String(i.weight ?? 1))))),
      ),
    ),
  );
}

function usageCard(usage: CriteriaUsage, id: string, latest: number): HTMLElement {
  const status = h('p', { role: 'status', class: 'success', 'data-testid': 'reclassify-result' });
  const round = h('select', { id: 'reclassify-round' }, h('option', { value: '' }, t('criteria.allRounds')), usage.rounds.map((r) => h('option', { value: String(r.round) }, String(r.round))));
  const button = h('button', { type: 'submit' }, t('criteria.reclassify'));
  return h(
    'section',
    { class: 'card', 'data-testid': 'criteria-usage' },
    h('h2', {}, t('criteria.usage')),
    h(
      'ul',
      {},
      usage.rounds.map((r) =>
        h('li', {}, t('criteria.usageRound', { round: r.round, list: r.versions.length ? r.versions.map((v) => t('criteria.usageVersion', { n: fmtInt(v.assessments), v: v.version })).join('; ') : t('criteria.usageNone') })),
      ),
    ),
    state.user?.role === 'admin'
      ? h(
          'form',
          {
            class: 'filters',
            onsubmit: async (e: Event) => {
              e.preventDefault();
              if (!confirm(t('criteria.confirmReclassify', { v: latest }))) return;
              button.disabled = true;
              status.textContent = t('admin.saving');
              try {
                const r = await reclassify(id, round.value ? Number(round.value) : undefined);
                status.textContent = t('criteria.reclassified', { n: fmtInt(r.assessments), c: fmtInt(r.changed) });
              } catch (err) {
                status.textContent = errorText(err);
              } finally {
                button.disabled = false;
              }
            },
          },
          h('div', { class: 'control' }, h('label', { for: round.id }, t('criteria.reclassifyRound')), round),
          button,
        )
      : null,
    status,
  );
}

function versionsCard(set: CriteriaSetFull): HTMLElement {
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('criteria.versions')),
    h(
      'ul',
      {},
      (set.versions ?? []).map((v) =>
        h(
          'li',
          {},
          v.version === set.version ? h('strong', {}, t('criteria.version', { v: v.version })) : h('a', { href: href('/admin/criteria', { set: set.id, version: v.version }) }, t('criteria.version', { v: v.version })),
          ` · ${fmtDateTime(v.createdAt)}${v.createdBy ? ` · ${v.createdBy}` : ''}${v.note ? ` — ${v.note}` : ''}`,
        ),
      ),
    ),
  );
}

function newVersionForm(set: CriteriaSetFull): HTMLElement {
  const text = (name: string, value: string) => h('input', { id: `nv-${name}`, name, value, required: true, 'aria-required': 'true' });
  const nameVi = text('nameVi', set.nameVi);
  const nameEn = text('nameEn', set.nameEn);
  const legal = h('textarea', { id: 'nv-legalSource', name: 'legalSource', rows: 2, required: true, 'aria-required': 'true' }, set.legalSource);
  const cutoff = h('input', { id: 'nv-cutoff', name: 'rule.cutoff', type: 'number', min: 0, step: 'any', value: String(set.rule.cutoff), required: true, 'aria-required': 'true' });
  const provisional = h('input', { id: 'nv-provisional', type: 'checkbox', checked: Boolean(set.provisional) });
  const note = h('input', { id: 'nv-note', name: 'note', value: '' });
  const lineInputs = Object.entries(set.lines as Record<string, IncomeLine>).map(([area, line]) => ({
    area,
    poor: h('input', { id: `nv-${area}-poor`, name: `lines.${area}.poor`, inputmode: 'numeric', value: fmtInt(line.poor), required: true, 'aria-required': 'true' }),
    nearPoor: h('input', { id: `nv-${area}-near`, name: `lines.${area}.nearPoor`, inputmode: 'numeric', value: fmtInt(line.nearPoor), required: true, 'aria-required': 'true' }),
    average: line.average,
  }));
  const summary = formSummary();
  const status = h('p', { role: 'status', class: 'success' });
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      'data-testid': 'new-version',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const problems: Problem[] = [];
        for (const [input, path] of [[nameVi, 'nameVi'], [nameEn, 'nameEn'], [legal, 'legalSource']] as const) if (!input.value.trim()) problems.push({ path, message: t('criteria.textRequired') });
        const lines: Record<string, IncomeLine> = {};
        for (const l of lineInputs) {
          const poor = parseWholeNumber(l.poor.value, Number.MAX_SAFE_INTEGER);
          const nearPoor = parseWholeNumber(l.nearPoor.value, Number.MAX_SAFE_INTEGER);
          if (poor === null) problems.push({ path: `lines.${l.area}.poor`, message: t('criteria.amountInvalid') });
          if (nearPoor === null) problems.push({ path: `lines.${l.area}.nearPoor`, message: t('criteria.amountInvalid') });
          else if (poor !== null && nearPoor <= poor) problems.push({ path: `lines.${l.area}.nearPoor`, message: t('criteria.nearBelowPoor') });
          lines[l.area] = { poor: poor ?? 0, nearPoor: nearPoor ?? 0, ...(l.average !== undefined ? { average: l.average } : {}) };
        }
        if (cutoff.value === '' || Number(cutoff.value) < 0) problems.push({ path: 'rule.cutoff', message: t('criteria.amountInvalid') });
        if (problems.length) return showProblems(form, summary, problems);
        const body: NewVersionInput = {
          standard: set.standard,
          nameVi: nameVi.value.trim(),
          nameEn: nameEn.value.trim(),
          legalSource: legal.value.trim(),
          incomeUnit: set.incomeUnit,
          lines: lines as NewVersionInput['lines'],
          indicators: set.indicators.map((i) => ({ code: i.code, dimension: i.dimension ?? '', vi: i.vi, en: i.en, weight: i.weight ?? 1 })),
          rule: { kind: set.rule.kind, cutoff: Number(cutoff.value) },
          provisional: provisional.checked,
          note: note.value.trim() || null,
        };
        try {
          const created = await createCriteriaVersion(set.id, body);
          showProblems(form, summary, []);
          status.textContent = t('criteria.created', { v: created.version });
          navigate('/admin/criteria', { set: set.id, version: created.version });
        } catch (err) {
          showProblems(form, summary, problemsOf(err));
        }
      },
    },
    h('h2', {}, t('criteria.newVersion')),
    h('p', { class: 'muted' }, t('criteria.newVersionIntro')),
    summary,
    h('div', { class: 'grid-2' }, field(requiredLabel(t('criteria.nameVi')), nameVi, { name: 'nameVi' }), field(requiredLabel(t('criteria.nameEn')), nameEn, { name: 'nameEn' })),
    field(requiredLabel(t('criteria.source')), legal, { name: 'legalSource' }),
    h('div', { class: 'grid-2' }, lineInputs.flatMap((l) => [
      field(requiredLabel(`${t(`criteria.area.${l.area}` as MessageKey)} — ${t('criteria.poorLine')}`), l.poor, { name: `lines.${l.area}.poor` }),
      field(requiredLabel(`${t(`criteria.area.${l.area}` as MessageKey)} — ${t('criteria.nearPoorLine')}`), l.nearPoor, { name: `lines.${l.area}.nearPoor` }),
    ])),
    h('div', { class: 'grid-2' }, field(requiredLabel(t('criteria.cutoff')), cutoff, { name: 'rule.cutoff' }), field(t('criteria.note'), note, { name: 'note' })),
    h('div', { class: 'field' }, h('label', { class: 'check', for: provisional.id }, provisional, ' ', t('criteria.isProvisional'))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('criteria.newVersion'))),
    status,
  );
  return form;
}
