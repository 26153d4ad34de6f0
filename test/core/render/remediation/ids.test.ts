import { randomUUID } from 'node:crypto';
import { RequestIdValueSchema } from '../../../../src/core/render/blocks/remediation';

describe('RequestIdValueSchema', () => {
  it('when the value is an id as the store makes them, then it parses', () => {
    for (let i = 0; i < 20; i += 1) {
      const id = randomUUID();
      expect(RequestIdValueSchema.parse(id)).toBe(id);
    }
  });

  it('when the value is anything else, then it is refused', () => {
    for (const bad of [
      '',
      'req-1',
      '3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B',
      ' 3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
      '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b\n',
      '{"id":"3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b"}',
      42,
      null,
    ]) {
      expect(RequestIdValueSchema.safeParse(bad).success).toBe(false);
    }
  });
});
