/**
 * In a detection's `events`, `*` as the source or as a name means "any": the engine runs the
 * detection on every record of that source (or of every source), and the EventBridge pattern
 * forwards them. Only whole-field `*` is a wildcard; `Put*` is a name like any other.
 */
export const WILDCARD = '*';
