import { GLOBAL_REGION } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, withFact, withFactOne } from '../define';

export default defineCheck({
  id: 'cloudtrail_management_events_recorded',
  service: 'cloudtrail',
  severity: 'medium',
  title: 'CloudTrail trail records read and write management events',
  failTitle: 'CloudTrail trail does not record all management events',
  rationale:
    'A trail that skips management events, or records only reads or only writes, misses the control-plane calls an investigation needs.',
  remediationText:
    "Edit the trail's management events to record both Read and Write (CloudTrail console → trail → Management events → Edit), or use `aws cloudtrail put-event-selectors`.",
  frameworks: { cis: '3.1', securityHub: null },
  requires: ['cloudtrail'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) =>
      trails.flatMap((t) =>
        withFactOne(t.eventSelectors, trailResource(t), t.homeRegion, ({ managementEvents, readWriteType }) => {
          const evidence = { managementEvents, readWriteType };
          if (!managementEvents) {
            return fail(trailResource(t), t.homeRegion, `Trail ${t.name} does not record management events.`, evidence);
          }
          return readWriteType === 'All'
            ? pass(
                trailResource(t),
                t.homeRegion,
                `Trail ${t.name} records read and write management events.`,
                evidence,
              )
            : fail(
                trailResource(t),
                t.homeRegion,
                `Trail ${t.name} records only ${readWriteType === 'ReadOnly' ? 'read' : readWriteType === 'WriteOnly' ? 'write' : 'some'} management events, not both read and write.`,
                evidence,
              );
        }),
      ),
    ),
});
