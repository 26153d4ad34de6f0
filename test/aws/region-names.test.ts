import { partition } from '@aws-sdk/core/client';
import { checkRegionNames, isKnownRegion, knownRegions, suggestRegion } from '../../src/aws/region-names';

describe('region names (from the SDK partition data)', () => {
  it('when the list is read, then it holds the regions of every partition and no pseudo region', () => {
    const regions = knownRegions();
    expect(regions).toEqual(
      expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1']),
    );
    expect(regions).not.toContain('aws-global');
    expect(regions.length).toBeGreaterThan(30);
  });

  it('when the list is read, then each name is one the SDK resolver itself describes as a region', () => {
    for (const region of knownRegions()) {
      expect((partition(region) as { description?: string }).description).toEqual(expect.any(String));
      expect(isKnownRegion(region)).toBe(true);
    }
  });

  it.each(['us-eats-1', 'eu-west-9', 'us-east', 'aws-global', 'useast1', '', 'US-EAST-1'])(
    'when the name is %j, then it is not a region (even where it matches a partition pattern)',
    (name) => {
      expect(isKnownRegion(name)).toBe(false);
    },
  );

  it('when a region is misspelt, then the closest real region is suggested', () => {
    expect(suggestRegion('us-eats-1')).toBe('us-east-1');
    expect(suggestRegion('eu-wset-2')).toBe('eu-west-2');
    expect(suggestRegion('nowhere-at-all')).toBeUndefined();
  });

  it('when regions are checked, then they are lower-cased and deduplicated, and the first unknown one is named', () => {
    expect(checkRegionNames(['EU-West-1', 'eu-west-1', 'us-east-1'])).toEqual({
      ok: true,
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(checkRegionNames(['eu-west-1', 'us-eats-1'])).toEqual({
      ok: false,
      region: 'us-eats-1',
      suggestion: 'us-east-1',
    });
  });
});
