import { GLOBAL_REGION } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, withFact, withFactOne } from '../define';

/**
 * Every trail on its own: a stopped trail records nothing, whichever other trail still logs. The
 * multi-region check judges the account as a whole and stays silent about a stopped second trail;
 * this one names it, and is where StartLogging hangs (its plan needs a trail to start).
 */
export default defineCheck({
  id: 'cloudtrail_trail_logging',
  service: 'cloudtrail',
  severity: 'high',
  title: 'CloudTrail trail is logging',
  failTitle: 'CloudTrail trail has stopped logging',
  rationale:
    'A stopped trail records no API activity: what happens while it is off (often the first thing an intruder does is stop it) leaves no audit record.',
  remediationText:
    'Start logging on the trail (CloudTrail console → Trails → trail → Start logging), or run `aws cloudtrail start-logging --name <trail ARN>` in its home region; then find out who stopped it (CloudTrail event StopLogging).',
  frameworks: { cis: null, securityHub: null },
  requires: ['cloudtrail'],
  remediation: 'cloudtrail_start_logging',
  evaluate: ({ account }) =>
    withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) =>
      trails.flatMap((t) =>
        withFactOne(t.status, trailResource(t), t.homeRegion, ({ isLogging, latestDeliveryError }) => {
          const evidence = { isLogging, isMultiRegion: t.isMultiRegion, latestDeliveryError };
          if (isLogging) return pass(trailResource(t), t.homeRegion, `Trail ${t.name} is logging.`, evidence);
          const kind = t.isMultiRegion ? 'multi-region trail' : `single-region trail (${t.homeRegion})`;
          // An organization trail seen from a member account belongs to the management account:
          // only that account can start it, so no Remediate button is offered here.
          const owner = t.arn.split(':')[4];
          if (owner && owner !== account.accountId) {
            return {
              ...fail(
                trailResource(t),
                t.homeRegion,
                `Trail ${t.name} (${kind}) has stopped logging: no API activity is recorded by it. It belongs to account ${owner}; start it from there.`,
                { ...evidence, owner },
              ),
              remediable: false as const,
            };
          }
          return fail(
            trailResource(t),
            t.homeRegion,
            `Trail ${t.name} (${kind}) has stopped logging: no API activity is recorded by it.`,
            evidence,
          );
        }),
      ),
    ),
});
