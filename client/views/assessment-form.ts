/**
 * One round's assessment of a household: income with its unit, the deprivation indicators of both standards,
 * optional facts. Saving re-classifies it on the server; the detail page then shows the new category and reasons.
 */
import { getHousehold, putAssessment, type AssessmentInput } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import type { Assessment } from '../api/types.ts';
import { clearFieldErrors, field, h, showFieldError } from '../dom.ts';
import { fmtDecimal, lang, loc, t, type MessageKey } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { alertBox, errorText } from './common.ts';
import { assessmentsOf } from './household-detail.ts';
import { allIndicators } from './indicators.ts';

/** Mirrors server/domain/assessments/rules.ts (Decision 59/2015/QĐ-TTg Art. 1 cl. 2): 8 m² per person; age 6. */
const MIN_FLOOR_AREA_PER_PERSON = 8;
const HEALTH_INSURANCE_MIN_AGE = 6;

export async function assessmentFormView(route: Route, outlet: HTMLElement): Promise<void> {
  const round = Number(route.params.round);
  const [{ household: hh }, indicators] = await Promise.all([getHousehold(route.params.id!), allIndicators()]);
  const current: Assessment | undefined = (await assessmentsOf(hh)).find((a) => a.round === round);
  const error = alertBox();

  const amount = h('input', { name: 'income.amount', inputmode: 'numeric', required: true, value: current ? String(current.income.amount) : '' });
  const per = h('select', { name: 'income.per' }, (['month', 'year'] as const).map((p) => h('option', { value: p, selected: (current?.income.per ?? 'month') === p }, t(p === 'year' ? 'unit.perYear' : 'unit.perMonth'))));
  const floorArea = h('input', { name: 'facts.floorArea', inputmode: 'decimal', value: current?.facts?.floorArea ? String(current.facts.floorArea) : '' });
  const checks = indicators.map((i) =>
    h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'deprivations', value: i.code, checked: current?.deprivations.includes(i.code) ?? false }),
      ` ${lang() === 'en' ? i.en : i.vi}`,
      h('small', { class: 'muted' }, ` (${i.standards.map((s) => t(`standard.short.${s}` as MessageKey)).join(', ')})`)),
  );

  // Which deprivations the server will derive from the members and the floor area, said before saving.
  const derivedNote = h('p', { class: 'notice', 'aria-live': 'polite', 'data-testid': 'derived-preview' });
  const label = (code: string) => {
    const i = indicators.find((x) => x.code === code);
    return i ? (lang() === 'en' ? i.en : i.vi) : code;
  };
  const updateDerived = () => {
    const parts: string[] = [];
    const area = Number(floorArea.value.replace(',', '.'));
    const people = hh.members?.length ?? 0;
    if (floorArea.value.trim() && Number.isFinite(area) && people > 0 && area < MIN_FLOOR_AREA_PER_PERSON * people) {
      parts.push(t('assessment.deriveArea', { label: label('housing_area'), area: fmtDecimal(area), n: people }));
    }
    const uninsured = (hh.members ?? []).filter((m) => m.birthYear !== undefined && m.birthYear !== null && round - m.birthYear >= HEALTH_INSURANCE_MIN_AGE && m.hasHealthInsurance === false).length;
    if (uninsured > 0) parts.push(t('assessment.deriveInsurance', { label: label('health_insurance'), n: uninsured }));
    derivedNote.textContent = parts.length ? t('assessment.willDerive', { list: parts.join('; ') }) : t('assessment.nothingDerived');
  };
  floorArea.addEventListener('input', updateDerived);
  updateDerived();

  const form: HTMLFormElement = h(
    'form',
    { class: 'card', novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void save()) },
    error,
    h('div', { class: 'grid-2' },
      field(t('assessment.income'), amount, { name: 'income.amount', hint: t('assessment.incomeHint') }),
      field(t('assessment.per'), per, { name: 'income.per' }),
      field(t('assessment.floorArea'), floorArea, { name: 'facts.floorArea' })),
    h('fieldset', { 'data-field': 'deprivations', class: 'field' },
      h('legend', {}, t('assessment.deprivations')),
      checks.length ? h('div', { class: 'checks' }, checks) : h('p', { class: 'muted' }, t('assessment.noIndicators')),
      h('div', { class: 'field-error', role: 'alert' })),
    derivedNote,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-assessment' }, t('form.save')),
      h('a', { class: 'button', href: `#/households/${encodeURIComponent(hh.id)}` }, t('form.cancel'))),
  );

  async function save(): Promise<void> {
    clearFieldErrors(form);
    error.textContent = '';
    // Accept "1.200.000" or "1 200 000" the Vietnamese way: digits only, never a guess at decimals.
    const digits = amount.value.replace(/[.\s,]/g, '');
    if (!/^\d+$/.test(digits)) {
      showFieldError(form, 'income.amount', t('assessment.amountInvalid'));
      amount.focus();
      return;
    }
    const body: AssessmentInput = {
      income: { amount: Number(digits), per: per.value as 'month' | 'year' },
      deprivations: [...form.querySelectorAll<HTMLInputElement>('input[name=deprivations]:checked')].map((c) => c.value),
    };
    if (floorArea.value.trim()) body.facts = { floorArea: Number(floorArea.value.replace(',', '.')) };
    try {
      await putAssessment(hh.id, round, body);
      navigate(`/households/${hh.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const unplaced = err.details.filter((d) => !showFieldError(form, d.path.replace(/^deprivations\.\d+$/, 'deprivations'), loc(d.message)));
        error.textContent = unplaced.length ? unplaced.map((d) => `${d.path}: ${loc(d.message)}`).join(' · ') : t('form.fixErrors');
        return;
      }
      error.textContent = errorText(err);
    }
  }

  outlet.replaceChildren(
    h('p', {}, h('a', { href: `#/households/${encodeURIComponent(hh.id)}` }, `‹ ${hh.householdCode} — ${hh.headName}`)),
    h('h1', {}, t('assessment.title', { round })),
    form,
  );
}
