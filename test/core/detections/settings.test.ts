import { DetectionsConfigSchema, LookupEventsSourceSchema } from '../../../src/core/detections/settings';

describe('detections.sources.lookupEvents.settleMinutes', () => {
  it('when it is not given, then polls wait 15 minutes for CloudTrail to list events', () => {
    expect(LookupEventsSourceSchema.parse({ regions: ['eu-west-1'] }).settleMinutes).toBe(15);
  });

  it.each([0, 60])('when it is %i, then it is accepted', (settleMinutes) => {
    const parsed = DetectionsConfigSchema.parse({
      sources: { lookupEvents: { regions: ['eu-west-1'], settleMinutes } },
    });
    expect(parsed.sources.lookupEvents?.settleMinutes).toBe(settleMinutes);
  });

  it.each([-1, 61, 2.5])('when it is %p, then the config is refused', (settleMinutes) => {
    const parsed = LookupEventsSourceSchema.safeParse({ regions: ['eu-west-1'], settleMinutes });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['settleMinutes']);
  });
});
