import type { AssessmentRow } from '../../domain/assessments/repository.ts';
import type { HouseholdListFields, HouseholdRow, ListedHousehold } from '../../domain/households/repository.ts';
import type { HouseholdHistory } from '../../domain/households/service.ts';
import type { AuditRow } from '../../domain/audit/repository.ts';
import type { DuplicateWarning } from '../../domain/duplicates/rules.ts';

/** The fields every household answer carries, the list's rows included (no ID number, no members). */
function summaryOf(h: HouseholdListFields) {
  return {
    id: h.id,
    wardCode: h.wardCode,
    householdCode: h.householdCode,
    address: h.address,
    area: h.area,
    headName: h.headName,
    status: h.status,
    archivedReason: h.archivedReason,
    archivedRound: h.archivedRound,
    ethnicGroup: h.ethnicGroup,
    version: h.version,
    updatedAt: h.updatedAt.toISOString(),
  };
}

export function presentHousehold(h: HouseholdRow & { warnings?: DuplicateWarning[] }) {
  return {
    ...(h.warnings ? { warnings: h.warnings } : {}),
    ...summaryOf(h),
    headIdNumber: h.headIdNumber,
    members: h.members,
    createdAt: h.createdAt.toISOString(),
  };
}

/**
 * A list row: what the list shows (no ID number; members only on a search page, to show which member matched) and,
 * when a round was asked for, its categories in that round. The whole household is one click away.
 */
export function presentListedHousehold(h: ListedHousehold, round: number | undefined) {
  return {
    ...summaryOf(h),
    ...(h.members ? { members: h.members } : {}),
    assessment: round === undefined ? null : { round, cityCategory: h.roundCityCategory, nationalCategory: h.roundNationalCategory },
  };
}

export function presentAssessment(a: AssessmentRow) {
  return {
    householdId: a.householdId,
    round: a.round,
    income: { amount: a.incomeAmount, per: a.incomePer },
    deprivations: a.deprivations,
    facts: a.facts,
    /** The members and area this round was classified on (null only for rows older than issue 12's migration). */
    members: a.members,
    area: a.area,
    warnings: (a.results as { warnings?: unknown[] }).warnings ?? [],
    surveyor: a.surveyor,
    surveyedAt: a.surveyedAt,
    source: a.source,
    importId: a.importId,
    results: a.results,
    cityCategory: a.cityCategory,
    nationalCategory: a.nationalCategory,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

function presentAuditEvent(e: AuditRow) {
  return { id: e.id, at: e.at.toISOString(), actor: e.actorUsername, action: e.action, entity: e.entity, before: e.before, after: e.after, meta: e.meta };
}

export function presentHistory(h: HouseholdHistory) {
  return {
    household: presentHousehold(h.household),
    assessments: h.assessments.map(presentAssessment),
    transitions: h.transitions,
    audit: h.audit.map(presentAuditEvent),
  };
}
