/** A household: its details, members, each round's assessment with the classification and reasons per standard. */
import { archiveHousehold, getHistory, getHousehold, restoreHousehold } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import type { Assessment, Household, Standard } from '../api/types.ts';
import { clear, field, h } from '../dom.ts';
import { fmtInt, lang, t, type MessageKey } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { rounds, wardName } from '../state.ts';
import { alertBox, categoryBadge, errorText } from './common.ts';
import { indicatorLabels } from './indicators.ts';

const ARCHIVE_REASONS = ['moved', 'merged', 'dissolved', 'deceased'] as const;

/** A household's assessments come with its history (GET /api/households/:id/history). */
export async function assessmentsOf(hh: Household): Promise<Assessment[]> {
  const history = await getHistory(hh.id);
  return Array.isArray(history.assessments) ? (history.assessments as Assessment[]) : [];
}

function resultBlock(a: Assessment, standard: Standard): HTMLElement {
  const r = a.results?.[standard];
  return h(
    'div',
    { class: 'result', 'data-standard': standard },
    h('h4', {}, t(`standard.${standard}` as MessageKey), ' ', r ? categoryBadge(r.category) : categoryBadge(null)),
    r?.deprivationCount !== undefined ? h('p', { class: 'muted' }, t('detail.deprivationCount', { n: r.deprivationCount })) : null,
    r && r.reasons?.length ? h('ul', { class: 'reasons' }, r.reasons.map((x) => h('li', { 'data-reason': x.code }, lang() === 'en' ? x.en : x.vi))) : null,
  );
}

function assessmentCard(hh: Household, round: number, a: Assessment | undefined, labels: Map<string, string>): HTMLElement {
  const editHref = `#/households/${encodeURIComponent(hh.id)}/assessments/${round}`;
  return h(
    'section',
    { class: 'card assessment', 'data-round': round, 'aria-labelledby': `round-${round}` },
    h('div', { class: 'card-head' }, h('h3', { id: `round-${round}` }, `${t('common.round')} ${round}`),
      h('a', { class: 'button', href: editHref, 'data-testid': `edit-assessment-${round}` }, a ? t('detail.editAssessment') : t('detail.addAssessment'))),
    a
      ? [
          h('p', {}, `${t('assessment.income')}: `, h('strong', {}, `${fmtInt(a.income.amount)} ${t(a.income.per === 'year' ? 'unit.perYear' : 'unit.perMonth')}`)),
          h('p', {}, `${t('assessment.deprivations')}: `, a.deprivations.length ? a.deprivations.map((c) => labels.get(c) ?? c).join('; ') : t('assessment.noneDeprived')),
          h('div', { class: 'results-grid' }, resultBlock(a, 'city'), resultBlock(a, 'national')),
        ]
      : h('p', { class: 'muted' }, t('detail.noAssessment')),
  );
}

export async function householdDetailView(route: Route, outlet: HTMLElement): Promise<void> {
  const { household: hh, etag } = await getHousehold(route.params.id!);
  const [assessments, labels] = await Promise.all([assessmentsOf(hh), indicatorLabels()]);
  const byRound = new Map(assessments.map((a) => [a.round, a]));
  const error = alertBox();
  const reason = h('select', { id: 'archive-reason', name: 'reason' }, ARCHIVE_REASONS.map((r) => h('option', { value: r }, t(`archive.${r}` as MessageKey))));

  // The date the household left: its year is the round it leaves the lists in, as "removed" (issue 12).
  const archiveDate = h('input', { id: 'archive-date', name: 'date', type: 'date', value: new Date().toISOString().slice(0, 10) });
  const archive = async () => {
    error.textContent = '';
    try {
      await archiveHousehold(hh.id, etag, reason.value, archiveDate.value || undefined);
      navigate(`/households/${hh.id}`);
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 412 ? t('form.staleRecord') : errorText(err);
    }
  };
  const restore = async () => {
    try {
      await restoreHousehold(hh.id, etag);
      navigate(`/households/${hh.id}`);
    } catch (err) {
      error.textContent = errorText(err);
    }
  };

  clear(
    outlet,
    h('p', {}, h('a', { href: `#/households?ward=${encodeURIComponent(hh.wardCode)}` }, `‹ ${t('detail.back')}`)),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { 'data-testid': 'household-title' }, `${hh.householdCode} — ${hh.headName}`),
      h('div', { class: 'actions' }, h('a', { class: 'button primary', href: `#/households/${encodeURIComponent(hh.id)}/edit`, 'data-testid': 'edit-household' }, t('detail.edit'))),
    ),
    error,
    hh.status === 'archived'
      ? h('p', { class: 'notice' }, t('detail.archived', { reason: hh.archivedReason ? t(`archive.${hh.archivedReason}` as MessageKey) : '' }), ' ',
          h('button', { type: 'button', onclick: restore }, t('detail.restore')))
      : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('common.ward')), h('dd', {}, wardName(hh.wardCode)),
      h('dt', {}, t('households.address')), h('dd', {}, hh.address),
      h('dt', {}, t('form.area')), h('dd', {}, t(`area.${hh.area}` as MessageKey)),
      h('dt', {}, t('form.headIdNumber')), h('dd', {}, hh.headIdNumber ?? '—'),
    ),
    h('h2', {}, t('detail.members')),
    hh.members?.length
      ? h('table', { class: 'data-table' },
          h('thead', {}, h('tr', {}, ...(['member.name', 'member.birthYear', 'member.sex', 'member.relation', 'member.idNumber', 'member.insurance', 'member.inSchool'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, hh.members.map((m) => h('tr', {},
            h('td', {}, m.name), h('td', {}, m.birthYear ?? '—'), h('td', {}, m.sex ? t(`sex.${m.sex}` as MessageKey) : '—'), h('td', {}, m.relation ?? '—'),
            h('td', {}, m.idNumber ?? '—'), h('td', {}, yesNo(m.hasHealthInsurance)), h('td', {}, yesNo(m.inSchool))))))
      : h('p', { class: 'muted' }, t('detail.noMembers')),
    h('h2', {}, t('detail.assessments')),
    h('div', { class: 'assessments' }, rounds().slice().reverse().map((r) => assessmentCard(hh, r, byRound.get(r), labels))),
    hh.status === 'active'
      ? h('details', { class: 'danger-zone' }, h('summary', {}, t('detail.archive')),
          field(t('detail.archiveReason'), reason), field(t('detail.archiveDate'), archiveDate), h('button', { type: 'button', class: 'danger', onclick: archive }, t('detail.archive')))
      : null,
  );
}

function yesNo(v: boolean | null | undefined): string {
  return v === null || v === undefined ? '—' : v ? t('common.yes') : t('common.no');
}
