/**
 * Action ids of the alert card's buttons (`domain.verb`). Every button's value is the alert id only:
 * the handler loads the alert from the store and authorizes again.
 */
export const ALERT_ACTIONS = {
  acknowledge: 'alert.ack',
  assign: 'alert.assign',
  resolve: 'alert.resolve',
  falsePositive: 'alert.false_positive',
  recheck: 'alert.recheck',
  undo: 'alert.undo',
  ask: 'alert.ask',
  /** On the DM to the actor: opens the answer modal. */
  answer: 'alert.answer',
  /** The overflow menu holding the less frequent actions. */
  menu: 'alert.menu',
} as const;

/** On a failing finding: who created or last changed the resource (LookupEvents). Value: the finding id. */
export const FINDING_WHO_ACTION = 'finding.who';
