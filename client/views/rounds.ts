/**
 * The official record per round (issue 12 §2): for the district, every ward's list status with approve (decision
 * number, date, signer) and reopen (reason); for a ward officer, their ward's status, the unreviewed households and
 * the Submit button. The server checks every permission again; this page only hides what a role cannot do.
 */
import { approveRound, getRoundWards, getUnreviewed, reopenRound, submitRound } from '../api/endpoints.ts';
import type { RoundWard } from '../api/types.ts';
import { clear, h } from '../dom.ts';
import { fmtInt, loc, t, type MessageKey } from '../i18n/index.ts';
import { ApiError } from '../api/http.ts';
import { navigate, type Route } from '../router.ts';
import { rounds, state } from '../state.ts';
import { alertBox, errorText, pageTitle } from './common.ts';

const statusText = (w: RoundWard) => t(`rounds.status.${w.status}` as MessageKey);
const decisionText = (w: RoundWard) => (w.decision ? `${w.decision.number} — ${w.decision.date}${w.decision.signer ? ` (${w.decision.signer})` : ''}` : '—');

/** Runs an action, then re-renders the page; a refusal (e.g. 409 UNREVIEWED_HOUSEHOLDS) goes to the alert box. */
async function act(box: HTMLElement, fn: () => Promise<unknown>, round: number): Promise<void> {
  box.textContent = '';
  try {
    await fn();
    navigate('/rounds', { round }, true);
  } catch (err) {
    const extra = err instanceof ApiError && err.details.length ? ` ${err.details.map((d) => loc(d.message)).join(' · ')}` : '';
    box.textContent = errorText(err) + extra;
  }
}

function approveForm(w: RoundWard, round: number, box: HTMLElement): HTMLElement {
  const number = h('input', { name: 'decisionNumber', required: true, placeholder: '125/QĐ-UBND', 'aria-label': t('rounds.decisionNumber'), size: 14 });
  const date = h('input', { name: 'decisionDate', type: 'date', required: true, 'aria-label': t('rounds.decisionDate') });
  const signer = h('input', { name: 'signer', 'aria-label': t('rounds.signer'), placeholder: t('rounds.signer'), size: 14 });
  return h(
    'form',
    { class: 'inline-form', 'data-testid': `approve-${w.wardCode}`, onsubmit: (e: Event) => (e.preventDefault(), void act(box, () => approveRound(round, w.wardCode, { decisionNumber: number.value.trim(), decisionDate: date.value, signer: signer.value.trim() || undefined }), round)) },
    number, date, signer,
    h('button', { type: 'submit', class: 'primary' }, t('rounds.approve')),
  );
}

function reopenForm(w: RoundWard, round: number, box: HTMLElement): HTMLElement {
  const reason = h('input', { name: 'reason', required: true, 'aria-label': t('rounds.reason'), placeholder: t('rounds.reason'), size: 20 });
  return h(
    'form',
    { class: 'inline-form', 'data-testid': `reopen-${w.wardCode}`, onsubmit: (e: Event) => {
      e.preventDefault();
      if (reason.value.trim().length < 3) {
        box.textContent = t('rounds.reasonRequired');
        return;
      }
      void act(box, () => reopenRound(round, w.wardCode, reason.value.trim()), round);
    } },
    reason,
    h('button', { type: 'submit' }, t('rounds.reopen')),
  );
}

async function wardOfficerPanel(w: RoundWard, round: number, box: HTMLElement): Promise<HTMLElement> {
  const unreviewed = w.status === 'approved' ? [] : await getUnreviewed(round, w.wardCode);
  return h(
    'section',
    { class: 'card', 'data-testid': 'my-round' },
    h('p', {}, t('rounds.myWard', { round, status: statusText(w) }), w.decision ? ` — ${decisionText(w)}` : ''),
    w.status === 'open'
      ? [
          unreviewed.length
            ? [h('p', {}, t('rounds.unreviewedIntro')), h('ul', { 'data-testid': 'unreviewed-list' }, unreviewed.map((u) => h('li', {}, h('a', { href: `#/households/${encodeURIComponent(u.id)}` }, `${u.householdCode} — ${u.headName}`))))]
            : h('p', { class: 'muted' }, t('rounds.noneUnreviewed')),
          h('button', { type: 'button', class: 'primary', 'data-testid': 'submit-round', onclick: () => void act(box, () => submitRound(round, w.wardCode), round) }, t('rounds.submit')),
        ]
      : null,
  );
}

export async function roundsView(route: Route, outlet: HTMLElement): Promise<void> {
  const all = rounds();
  const asked = Number(route.query.get('round'));
  const round = all.includes(asked) ? asked : all[all.length - 1]!;
  const wards = await getRoundWards(round);
  const box = alertBox();
  const district = state.user?.role !== 'ward';
  const roundSel = h('select', { id: 'rounds-round', onchange: (e: Event) => navigate('/rounds', { round: (e.target as HTMLSelectElement).value }) },
    all.map((r) => h('option', { value: String(r), selected: r === round }, String(r))));

  const table = h(
    'table',
    { class: 'data-table', 'data-testid': 'rounds-table' },
    h('thead', {}, h('tr', {}, [t('rounds.ward'), t('rounds.status'), t('rounds.unreviewed'), t('rounds.submittedBy'), t('rounds.decision'), district ? t('rounds.actions') : null].filter(Boolean).map((c) => h('th', { scope: 'col' }, c as string)))),
    h('tbody', {}, wards.map((w) =>
      h('tr', { 'data-ward-code': w.wardCode, 'data-status': w.status },
        h('th', { scope: 'row' }, w.name),
        h('td', {}, h('span', { class: `badge round-${w.status}` }, statusText(w))),
        h('td', { class: 'num' }, fmtInt(w.unreviewed)),
        h('td', {}, w.submittedBy ?? '—'),
        h('td', {}, decisionText(w)),
        district ? h('td', {}, w.status === 'submitted' ? [approveForm(w, round, box), reopenForm(w, round, box)] : w.status === 'approved' ? reopenForm(w, round, box) : '—') : null))),
  );

  clear(
    outlet,
    pageTitle('rounds.title'),
    h('div', { class: 'filters' }, h('label', { for: 'rounds-round' }, t('rounds.round')), roundSel),
    box,
    !district && wards[0] ? await wardOfficerPanel(wards[0], round, box) : null,
    table,
  );
}
