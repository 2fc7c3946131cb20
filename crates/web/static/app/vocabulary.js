// The log's fixed vocabularies as the API spells them (the core's enums),
// in the order the interface lists them.

export const INCIDENT_TYPES = ["armed_clash", "cross_border_attack", "infiltration_attempt", "airstrike", "drone_strike", "shelling", "airspace_violation", "ied", "abduction", "crossing_closure", "other"];

export const CASE_STAGES = ["reported", "answered", "unanswered_past_deadline", "under_investigation", "finding_pending", "found"];

/** The participant a member acts for, from the participants list. */
export function participantOf(member, participants) {
  return participants.find((p) => p.members.some((m) => m.id === member))?.id;
}
