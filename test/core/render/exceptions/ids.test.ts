import {
  EXCEPTION_ACTION_IDS,
  EXCEPTION_CALLBACK_IDS,
  exceptionModalMetadata,
  parseExceptionButtonValue,
  parseExceptionModalMetadata,
  parseFindingButtonValue,
  parseListPageValue,
  parseRequestModalMetadata,
  parseShowHiddenValue,
  requestModalMetadata,
  ExceptionIdValueSchema,
} from '../../../../src/core/render/blocks/exceptions';
import { REMEDIATION_ACTION_IDS } from '../../../../src/core/render/blocks/remediation';
import { ACTION_IDS } from '../../../../src/core/render/blocks';
import { EX_ID, FINDING_ID } from './builders';

describe('exception ids', () => {
  it('when listed, then action and callback ids are domain.verb, unique, and distinct from the other surfaces', () => {
    const ids = [...Object.values(EXCEPTION_ACTION_IDS), ...Object.values(EXCEPTION_CALLBACK_IDS)];
    for (const id of ids) expect(id).toMatch(/^exception\.[a-z_]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    const others = new Set<string>([...Object.values(REMEDIATION_ACTION_IDS), ...Object.values(ACTION_IDS)]);
    for (const id of ids) expect(others.has(id)).toBe(false);
  });

  it('when a button carries an exception id, then only a Slack-made one is accepted', () => {
    expect(parseExceptionButtonValue(EX_ID)).toBe(EX_ID);
    for (const bad of ['cfg_legacy', 'ex_123', `${EX_ID}x`, 'EX_0123456789ABCDEF01234567', '', null, 42, { id: EX_ID }])
      expect(parseExceptionButtonValue(bad)).toBeNull();
    expect(ExceptionIdValueSchema.safeParse('cfg_legacy-website').success).toBe(true);
    expect(ExceptionIdValueSchema.safeParse('cfg_Legacy').success).toBe(false);
  });

  it('when Accept risk carries a finding id, then only one cloudsec makes is accepted', () => {
    expect(parseFindingButtonValue(FINDING_ID)).toBe(FINDING_ID);
    for (const bad of ['f_00', 'f_000000000000000G', '<!channel>', undefined])
      expect(parseFindingButtonValue(bad)).toBeNull();
  });

  it('when button values and metadata round-trip, then they come back; anything else is null, never a throw', () => {
    expect(parseRequestModalMetadata(requestModalMetadata(FINDING_ID))).toEqual({ findingId: FINDING_ID });
    expect(parseExceptionModalMetadata(exceptionModalMetadata(EX_ID))).toEqual({ exceptionId: EX_ID });
    expect(parseShowHiddenValue(JSON.stringify({ s: 'k', o: 20, u: 'U0ASKER' }))).toEqual({
      s: 'k',
      o: 20,
      u: 'U0ASKER',
    });
    expect(parseListPageValue(JSON.stringify({ f: 'expiring', o: 20 }))).toEqual({ f: 'expiring', o: 20 });
    for (const bad of [
      undefined,
      '',
      '{',
      'null',
      '[]',
      '{"s":""}',
      '{"s":"k","o":-1}',
      '{"s":"k","u":"<!channel>"}',
      'x'.repeat(4000),
    ])
      expect(parseShowHiddenValue(bad)).toBeNull();
    for (const bad of ['{"f":"all","o":0}', '{"f":"active","o":1.5}', '{"f":"active"}'])
      expect(parseListPageValue(bad)).toBeNull();
    for (const bad of ['{"findingId":"x"}', `{"findingId":"${FINDING_ID}","extra":1}`, FINDING_ID])
      expect(parseRequestModalMetadata(bad)).toBeNull();
    for (const bad of ['{"exceptionId":"cfg_x"}', EX_ID]) expect(parseExceptionModalMetadata(bad)).toBeNull();
  });

  it('when metadata is built from an id the store cannot have made, then it is a programming error', () => {
    expect(() => requestModalMetadata('nope')).toThrow(RangeError);
    expect(() => exceptionModalMetadata('cfg_x')).toThrow(RangeError);
  });
});
