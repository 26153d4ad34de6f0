import { consoleUrl } from '../../../../src/core/digest/console-links';
import { aDigestItem } from '../../../fixtures/digest-builders';

/** How the digest renderers call src/core/digest/console-links.ts: a DigestItem passed whole. */
describe('consoleUrl as the digest calls it', () => {
  // A DigestItem's `findingId` is cloudsec's hash (`f_…`), never Security Hub's id.
  it('when a Security Hub digest item is passed whole, then the link does not search for cloudsec’s own id', () => {
    const item = aDigestItem({ source: 'securityhub', checkId: 'securityhub:S3.8', findingId: 'f_00000000000000aa' });
    expect(consoleUrl(item, 'aws')).not.toContain('f_00000000000000aa');
  });

  // encodeURIComponent throws URIError on a lone surrogate; Security Hub accepts custom findings.
  it('when a resource id holds a lone surrogate, then there is a link or null, not an exception', () => {
    const item = aDigestItem({ resourceType: 'AwsS3Bucket', resourceId: 'bucket-\uD800' });
    expect(() => consoleUrl(item, 'aws')).not.toThrow();
  });
});
