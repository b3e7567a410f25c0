/**
 * Create and edit a household. Server validation errors come back with field paths (`headIdNumber`,
 * `members.0.birthYear`) and are shown under the matching field; a 412 means someone else saved first.
 */
import { createHousehold, getHousehold, updateHousehold, type HouseholdInput } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import type { Household, Member } from '../api/types.ts';
import { clearFieldErrors, field, h } from '../dom.ts';
import { loc, t, type MessageKey } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { state, wardsInScope } from '../state.ts';
import { alertBox, errorText } from './common.ts';
import { problemsOf, requiredLabel, showProblems, type Problem } from './admin/form-errors.ts';

/** Field → the message a person needs ("Enter the birth year, e.g. 1975"), used for missing or malformed values. */
const HUMAN: Record<string, MessageKey> = {
  wardCode: 'hhform.wardCode',
  householdCode: 'hhform.householdCode',
  headName: 'hhform.headName',
  headIdNumber: 'hhform.idNumber',
  address: 'hhform.address',
  name: 'hhform.memberName',
  birthYear: 'hhform.birthYear',
  sex: 'hhform.sex',
  hasHealthInsurance: 'hhform.insurance',
  idNumber: 'hhform.idNumber',
};
const VALUE_CODES = /^(any\.required|string\.empty|string\.base|number\.(base|integer|min|max)|any\.only|string\.pattern\.(base|name))$/;
const human = (path: string, code: string | undefined, fallback: string): string => {
  const key = HUMAN[path.split('.').pop() ?? ''];
  return key && code && VALUE_CODES.test(code) ? t(key) : fallback;
};

/** The server's checks that can be made before sending (domain rules: households/rules.ts, schemas/households.ts). */
function clientProblems(body: Partial<HouseholdInput>, creating: boolean): Problem[] {
  const out: Problem[] = [];
  const need = (ok: boolean, path: string, key: MessageKey) => ok || out.push({ path, message: t(key) });
  if (creating) need(Boolean(body.wardCode), 'wardCode', 'hhform.wardCode');
  need(Boolean(body.householdCode), 'householdCode', 'hhform.householdCode');
  need(Boolean(body.headName), 'headName', 'hhform.headName');
  need(!body.headIdNumber || /^(\d{9}|\d{12})$/.test(body.headIdNumber), 'headIdNumber', 'hhform.idNumber');
  const thisYear = new Date().getFullYear();
  (body.members ?? []).forEach((m, i) => {
    need(Boolean(m.name), `members.${i}.name`, 'hhform.memberName');
    need(typeof m.birthYear === 'number' && m.birthYear >= 1900 && m.birthYear <= thisYear, `members.${i}.birthYear`, 'hhform.birthYear');
    need(Boolean(m.sex), `members.${i}.sex`, 'hhform.sex');
    need(typeof m.hasHealthInsurance === 'boolean', `members.${i}.hasHealthInsurance`, 'hhform.insurance');
    need(!m.idNumber || /^(\d{9}|\d{12})$/.test(m.idNumber), `members.${i}.idNumber`, 'hhform.idNumber');
  });
  return out;
}

function memberRow(m: Partial<Member>, index: number, onRemove: (row: HTMLElement) => void): HTMLElement {
  const p = (k: string) => `members.${index}.${k}`;
  const input = (k: string, attrs: Record<string, string | boolean | undefined>) => h('input', { name: p(k), ...attrs });
  const tri = (k: 'hasHealthInsurance' | 'inSchool') =>
    h('select', { name: p(k) }, h('option', { value: '' }, '—'), h('option', { value: 'true', selected: m[k] === true }, t('common.yes')), h('option', { value: 'false', selected: m[k] === false }, t('common.no')));
  const row: HTMLElement = h(
    'fieldset',
    { class: 'member', 'data-member': index },
    h('legend', {}, t('form.memberN', { n: index + 1 })),
    field(requiredLabel(t('member.name')), input('name', { value: m.name ?? '', required: true }), { name: p('name') }),
    field(requiredLabel(t('member.birthYear')), input('birthYear', { value: m.birthYear ? String(m.birthYear) : '', inputmode: 'numeric' }), { name: p('birthYear') }),
    field(requiredLabel(t('member.sex')), h('select', { name: p('sex') }, h('option', { value: '' }, '—'), ['male', 'female'].map((s) => h('option', { value: s, selected: m.sex === s }, t(`sex.${s}` as MessageKey)))), { name: p('sex') }),
    field(t('member.relation'), input('relation', { value: m.relation ?? '' }), { name: p('relation') }),
    field(t('member.idNumber'), input('idNumber', { value: m.idNumber ?? '', inputmode: 'numeric' }), { name: p('idNumber') }),
    field(requiredLabel(t('member.insurance')), tri('hasHealthInsurance'), { name: p('hasHealthInsurance') }),
    field(t('member.inSchool'), tri('inSchool'), { name: p('inSchool') }),
    h('button', { type: 'button', class: 'link-button', onclick: () => onRemove(row) }, t('form.removeMember')),
  );
  return row;
}

/**
 * Members as the API takes them. Blank choices are left out (the server then names the missing field under it);
 * the relation defaults to empty text and "in school" to no, as the API does.
 */
function readMembers(container: HTMLElement): Partial<Member>[] {
  return [...container.querySelectorAll<HTMLElement>('fieldset.member')].map((fs) => {
    const v = (k: string) => fs.querySelector<HTMLInputElement | HTMLSelectElement>(`[name$=".${k}"]`)?.value.trim() ?? '';
    const m: Partial<Member> = { name: v('name'), relation: v('relation'), idNumber: v('idNumber') || null };
    if (v('birthYear') !== '') m.birthYear = /^\d+$/.test(v('birthYear')) ? Number(v('birthYear')) : (v('birthYear') as unknown as number);
    if (v('sex') !== '') m.sex = v('sex') as Member['sex'];
    if (v('hasHealthInsurance') !== '') m.hasHealthInsurance = v('hasHealthInsurance') === 'true';
    if (v('inSchool') !== '') m.inSchool = v('inSchool') === 'true';
    return m;
  });
}

export async function householdFormView(route: Route, outlet: HTMLElement): Promise<void> {
  const editing = route.params.id ? await getHousehold(route.params.id) : null;
  const hh: Partial<Household> = editing?.household ?? { wardCode: state.user?.wardCode ?? '', area: 'urban', members: [] };
  let etag = editing?.etag ?? '';
  const error = alertBox();

  const ward = h('select', { name: 'wardCode', disabled: Boolean(editing) || state.user?.role === 'ward', required: true },
    editing || state.user?.role === 'ward' ? null : h('option', { value: '' }, t('form.chooseWard')),
    wardsInScope().concat(editing ? state.wards.filter((w) => w.properties.code === hh.wardCode && !wardsInScope().includes(w)) : [])
      .map((w) => h('option', { value: w.properties.code, selected: w.properties.code === hh.wardCode }, w.properties.name)));
  const code = h('input', { name: 'householdCode', value: hh.householdCode ?? '', required: true });
  const head = h('input', { name: 'headName', value: hh.headName ?? '', required: true, autocomplete: 'off' });
  const idNumber = h('input', { name: 'headIdNumber', value: hh.headIdNumber ?? '', inputmode: 'numeric', pattern: '\\d{9}|\\d{12}' });
  const address = h('input', { name: 'address', value: hh.address ?? '' });
  const area = h('select', { name: 'area' }, (['urban', 'rural'] as const).map((a) => h('option', { value: a, selected: hh.area === a }, t(`area.${a}` as MessageKey))));
  const members = h('div', { class: 'members' });
  const renumber = () => {
    const rows = readMembers(members);
    members.replaceChildren(...rows.map((m, i) => memberRow(m, i, remove)));
  };
  const remove = (row: HTMLElement) => {
    row.remove();
    renumber();
  };
  members.replaceChildren(...(hh.members ?? []).map((m, i) => memberRow(m, i, remove)));

  const form: HTMLFormElement = h(
    'form',
    { class: 'card household-form', novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void save()) },
    error,
    h('div', { class: 'grid-2' },
      field(requiredLabel(t('common.ward')), ward, { name: 'wardCode' }),
      field(requiredLabel(t('households.code')), code, { name: 'householdCode' }),
      field(requiredLabel(t('households.head')), head, { name: 'headName' }),
      field(t('form.headIdNumber'), idNumber, { name: 'headIdNumber', hint: t('form.idHint') }),
      field(t('households.address'), address, { name: 'address' }),
      field(requiredLabel(t('form.area')), area, { name: 'area' })),
    h('h2', {}, t('detail.members')),
    members,
    h('button', { type: 'button', onclick: () => members.append(memberRow({}, members.children.length, remove)) }, t('form.addMember')),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-household' }, t('form.save')),
      h('a', { class: 'button', href: editing ? `#/households/${encodeURIComponent(editing.household.id)}` : '#/households' }, t('form.cancel'))),
  );

  async function save(): Promise<void> {
    clearFieldErrors(form);
    error.textContent = '';
    const body: Partial<HouseholdInput> = {
      householdCode: code.value.trim(),
      headName: head.value.trim(),
      headIdNumber: idNumber.value.trim() || null,
      address: address.value.trim(),
      area: area.value as 'urban' | 'rural',
      members: readMembers(members) as Member[],
    };
    if (!editing) body.wardCode = ward.value;
    // Every problem at once: what can be checked here first, then the server's full list.
    const mine = clientProblems(body, !editing);
    if (mine.length) return showProblems(form, error, mine);
    try {
      const saved = editing ? (await updateHousehold(editing.household.id, etag, body)).household : await createHousehold(body);
      navigate(`/households/${saved.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        error.replaceChildren(t('form.staleRecord'), ' ', h('a', { href: `#/households/${encodeURIComponent(editing!.household.id)}` }, t('form.reload')));
        etag = '';
        return;
      }
      if (err instanceof ApiError && err.details.length) {
        return showProblems(form, error, err.details.map((d) => ({ path: d.path, message: human(d.path, d.code, loc(d.message)) })));
      }
      if (err instanceof ApiError) return showProblems(form, error, problemsOf(err));
      error.textContent = errorText(err);
    }
  }

  outlet.replaceChildren(h('h1', {}, editing ? t('form.editTitle', { code: editing.household.householdCode }) : t('form.newTitle')), form);
}
