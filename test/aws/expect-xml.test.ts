import { checkXmlAnswer, documentElement } from '../../src/aws/expect-xml';

describe('documentElement', () => {
  it.each([
    ['a declaration first', '<?xml version="1.0" encoding="UTF-8"?>\n<PolicyStatus xmlns="x"/>', 'PolicyStatus'],
    [
      'a byte order mark and a comment first',
      '\uFEFF<!-- note --><VersioningConfiguration/>',
      'VersioningConfiguration',
    ],
    ['a namespace prefix', '<s3:AccessControlPolicy xmlns:s3="x"></s3:AccessControlPolicy>', 'AccessControlPolicy'],
    ['an HTML page', '<!DOCTYPE html>\n<html><body>Sign in</body></html>', 'html'],
  ])('when the body has %s, then the document element is named', (_label, text, name) => {
    expect(documentElement(text)).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['JSON', '{"IsPublic": true}'],
    ['plain text', 'Service Unavailable'],
  ])('when the body is %s, then there is no document element', (_label, text) => {
    expect(documentElement(text)).toBeNull();
  });
});

describe('checkXmlAnswer', () => {
  const expected = { root: 'PolicyStatus', booleans: ['IsPublic'] };

  it('when the documented element carries a true or false boolean, then the answer is accepted', () => {
    expect(() =>
      checkXmlAnswer('<PolicyStatus><IsPublic>true</IsPublic></PolicyStatus>', expected, 'Op'),
    ).not.toThrow();
    expect(() =>
      checkXmlAnswer('<PolicyStatus><IsPublic>false</IsPublic></PolicyStatus>', expected, 'Op'),
    ).not.toThrow();
  });

  it('when the boolean is padded with spaces, then the answer is refused (the SDK would read " true" as false)', () => {
    expect(() => checkXmlAnswer('<PolicyStatus><IsPublic> true </IsPublic></PolicyStatus>', expected, 'Op')).toThrow();
  });

  it('when another element comes back, then the answer is refused naming both, without quoting the body', () => {
    expect(() => checkXmlAnswer('<html><body>secret-token</body></html>', expected, 'GetBucketPolicyStatus')).toThrow(
      'GetBucketPolicyStatus answered a <html> document where the API documents <PolicyStatus>',
    );
    const refusal = (() => {
      try {
        checkXmlAnswer('not xml secret-token', expected, 'Op');
        return null;
      } catch (err) {
        return err as Error;
      }
    })();
    expect(refusal).toMatchObject({
      name: 'MalformedAnswer',
      message: 'Op answered a body that is not XML where the API documents <PolicyStatus>',
    });
    expect(refusal?.message).not.toContain('secret-token');
  });

  it('when a boolean is neither true nor false, then the answer is refused (the SDK would read it as false)', () => {
    expect(() => checkXmlAnswer('<PolicyStatus><IsPublic>yes</IsPublic></PolicyStatus>', expected, 'Op')).toThrow(
      'neither true nor false',
    );
  });
});
