// The log's fixed vocabularies as the API spells them (the core's enums),
// in the order the interface lists them.

export const INCIDENT_TYPES = ["armed_clash", "cross_border_attack", "infiltration_attempt", "airstrike", "drone_strike", "shelling", "airspace_violation", "ied", "abduction", "crossing_closure", "other"];

export const CASE_STAGES = ["reported", "answered", "unanswered_past_deadline", "under_investigation", "finding_pending", "found"];

export const TIME_PRECISIONS = ["minute", "hour", "day", "week", "month"];

export const STANCES = ["acknowledge", "deny", "dispute"];

export const INVESTIGATION_STEPS = ["opened", "team_assigned", "information_requested", "site_visit", "access_denied", "report", "closed"];

export const DETERMINATIONS = ["verified", "partly_verified", "not_verified", "inconclusive"];

export const STATEMENT_CATEGORIES = ["demands", "reply", "mediators_statement", "joint_statement", "public_statement"];

/** Each list above, by the name of the core enum it spells (tests/core-knowledge.test.mjs compares them with the API document). */
export const CORE_ENUMS = {
  IncidentType: INCIDENT_TYPES,
  CaseStage: CASE_STAGES,
  TimePrecision: TIME_PRECISIONS,
  Stance: STANCES,
  InvestigationStep: INVESTIGATION_STEPS,
  Determination: DETERMINATIONS,
  StatementCategory: STATEMENT_CATEGORIES,
};

/** The participant a member acts for, from the participants list. */
export function participantOf(member, participants) {
  return participants.find((p) => p.members.some((m) => m.id === member))?.id;
}
