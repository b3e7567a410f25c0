/** A household: its details, members, each round's assessment with the classification and reasons per standard. */
import { archiveHousehold, getHistory, getHousehold, restoreHousehold } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import type { Assessment, CriteriaSetFull, Household, Standard } from '../api/types.ts';
import { clear, field, h } from '../dom.ts';
import { fmtInt, lang, t, type MessageKey } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { rounds, wardName } from '../state.ts';
import { alertBox, categoryBadge, errorText } from './common.ts';
import { criteriaSets, indicatorLabels } from './indicators.ts';
import { provisionalBadge } from './admin/criteria.ts';
import { backToListHref } from './households-list.ts';

/**
 * The seed wrote this note into the city set's legal source (and so into stored reasons); the set's "provisional"
 * flag says the same thing, shown as a badge next to the source instead.
 */
const PLACEHOLDER = /\s*\(số quyết định cần đối chiếu; tạm thời \/ provisional\)/g;
const cleanSource = (text: string) => text.replace(PLACEHOLDER, '');

const ARCHIVE_REASONS = ['moved', 'merged', 'dissolved', 'deceased'] as const;

/** A household's assessments come with its history (GET /api/households/:id/history). */
export async function assessmentsOf(hh: Household): Promise<Assessment[]> {
  const history = await getHistory(hh.id);
  return Array.isArray(history.assessments) ? (history.assessments as Assessment[]) : [];
}

function resultBlock(a: Assessment, standard: Standard, sets: CriteriaSetFull[]): HTMLElement {
  const r = a.results?.[standard];
  const set = sets.find((s) => s.id === (r as { setId?: string } | undefined)?.setId);
  return h(
    'div',
    { class: 'result', 'data-standard': standard },
    h('h4', {}, t(`standard.${standard}` as MessageKey), ' ', r ? categoryBadge(r.category) : categoryBadge(null)),
    r?.deprivationCount !== undefined ? h('p', { class: 'muted' }, t('detail.deprivationCount', { n: r.deprivationCount })) : null,
    r && r.reasons?.length ? h('ul', { class: 'reasons' }, r.reasons.map((x) => h('li', { 'data-reason': x.code }, cleanSource(lang() === 'en' ? x.en : x.vi)))) : null,
    set ? h('p', { class: 'muted source', 'data-testid': 'result-source' }, t('detail.source', { source: cleanSource(set.legalSource) }), ' ', provisionalBadge(set.provisional)) : null,
  );
}

/** Each deprivation, marked as derived (from members or floor area) or as ticked on the form. */
function deprivationList(a: Assessment, labels: Map<string, string>): (HTMLElement | string)[] {
  const derived = new Set(((a.facts as { derived?: string[] } | undefined)?.derived) ?? []);
  return a.deprivations.map((c) =>
    h('span', { class: 'deprivation', 'data-deprivation': c, 'data-derived': derived.has(c) ? 'true' : 'false' }, labels.get(c) ?? c, ' ', h('small', { class: 'muted' }, `(${t(derived.has(c) ? 'detail.derived' : 'detail.ticked')})`)),
  ).flatMap((el, i) => (i ? ['; ', el] : [el]));
}

function assessmentCard(hh: Household, round: number, a: Assessment | undefined, labels: Map<string, string>, sets: CriteriaSetFull[]): HTMLElement {
  const editHref = `#/households/${encodeURIComponent(hh.id)}/assessments/${round}`;
  return h(
    'section',
    { class: 'card assessment', 'data-round': round, 'aria-labelledby': `round-${round}` },
    h('div', { class: 'card-head' }, h('h3', { id: `round-${round}` }, `${t('common.round')} ${round}`),
      h('a', { class: 'button', href: editHref, 'data-testid': `edit-assessment-${round}` }, a ? t('detail.editAssessment') : t('detail.addAssessment'))),
    a
      ? [
          h('p', {}, `${t('assessment.income')}: `, h('strong', {}, `${fmtInt(a.income.amount)} ${t(a.income.per === 'year' ? 'unit.perYear' : 'unit.perMonth')}`)),
          h('p', { 'data-testid': 'deprivations' }, `${t('assessment.deprivations')}: `, a.deprivations.length ? deprivationList(a, labels) : t('assessment.noneDeprived')),
          h('div', { class: 'results-grid' }, resultBlock(a, 'city', sets), resultBlock(a, 'national', sets)),
        ]
      : h('p', { class: 'muted' }, t('detail.noAssessment')),
  );
}

export async function householdDetailView(route: Route, outlet: HTMLElement): Promise<void> {
  const { household: hh, etag } = await getHousehold(route.params.id!);
  const [assessments, labels, sets] = await Promise.all([assessmentsOf(hh), indicatorLabels(), criteriaSets().catch(() => []) as Promise<CriteriaSetFull[]>]);
  const byRound = new Map(assessments.map((a) => [a.round, a]));
  const error = alertBox();
  const reason = h('select', { id: 'archive-reason', name: 'reason' }, ARCHIVE_REASONS.map((r) => h('option', { value: r }, t(`archive.${r}` as MessageKey))));

  const today = new Date().toISOString().slice(0, 10);
  const archiveDate = h('input', { id: 'archive-date', type: 'date', value: today, max: today, required: true, 'aria-required': 'true' });
  const archive = async () => {
    error.textContent = '';
    // Archiving takes a household off the active list: say what will happen, with the reason and date, first.
    const question = t('detail.confirmArchive', { code: hh.householdCode, reason: reason.selectedOptions[0]?.textContent ?? reason.value, date: fmtDate(archiveDate.value || today) });
    if (!confirm(question)) return;
    try {
      await archiveHousehold(hh.id, etag, reason.value);
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
    h('p', {}, h('a', { href: backToListHref(hh.wardCode), 'data-testid': 'back-to-list' }, `‹ ${t('detail.back')}`)),
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
    h('div', { class: 'assessments' }, rounds().slice().reverse().map((r) => assessmentCard(hh, r, byRound.get(r), labels, sets))),
    hh.status === 'active'
      ? h('details', { class: 'danger-zone' }, h('summary', {}, t('detail.archive')),
          field(t('detail.archiveReason'), reason), field(t('detail.archiveDate'), archiveDate), h('button', { type: 'button', class: 'danger', 'data-testid': 'archive', onclick: archive }, t('detail.archive')))
      : null,
  );
}

/** 'YYYY-MM-DD' in the page language's date format (25/12/2017 or 25 Dec 2017). */
function fmtDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(lang() === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: lang() === 'vi' ? '2-digit' : 'short', year: 'numeric' });
}

function yesNo(v: boolean | null | undefined): string {
  return v === null || v === undefined ? '—' : v ? t('common.yes') : t('common.no');
}
